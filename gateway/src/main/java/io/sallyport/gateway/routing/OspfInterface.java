package io.sallyport.gateway.routing;

/**
 * One interface OSPF runs on, as {@code show ospf interface} prints it.
 *
 * @param state Junos's word ({@code PtToPt}, {@code DR}, {@code BDR}, {@code DRother}, {@code Waiting}, {@code Down})
 */
public record OspfInterface(String name, String state, String area, String drId, String bdrId, int neighbors) {
}
