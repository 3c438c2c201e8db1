package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One rtnetlink change, encoded as the message iproute2 6.1 sends for the same {@code ip} command
 * (header fields and attribute order included; {@code RtRequestEncodingTest} compares them with
 * captured bytes). Every request asks for an acknowledgement ({@code NLM_F_ACK}).
 */
sealed interface RtRequest {

    /** The message with sequence number {@code sequence}. */
    byte[] encode(int sequence);

    enum Change { ADD, DELETE }

    int NLM_F_REQUEST = 0x1;
    int NLM_F_ACK = 0x4;
    int NLM_F_EXCL = 0x200;
    int NLM_F_CREATE = 0x400;
    int CREATE_NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE;
    int CHANGE = NLM_F_REQUEST | NLM_F_ACK;

    /** Tables above 255 do not fit the header's byte: it says 0 (RT_TABLE_UNSPEC) and an attribute carries them. */
    int LARGEST_HEADER_TABLE = 255;

    /**
     * {@code RTM_NEWROUTE}/{@code RTM_DELROUTE}: {@code struct rtmsg}, then {@code RTA_DST},
     * {@code RTA_GATEWAY}, {@code RTA_PREFSRC}, {@code RTA_TABLE}, {@code RTA_PRIORITY},
     * {@code RTA_OIF}. Like iproute2, an addition is {@code proto boot}, scope link for an IPv4
     * route without a gateway; a deletion leaves protocol, IPv4 scope (RT_SCOPE_NOWHERE) and, for
     * a unicast route, type open, so they match whatever the route has.
     *
     * @param deviceIndex the route's device ({@code RTA_OIF}); unused for an unreachable route
     */
    record RouteChange(Change change, Route route, int deviceIndex) implements RtRequest {

        private static final int RTM_NEWROUTE = 24;
        private static final int RTM_DELROUTE = 25;
        private static final int RT_TABLE_MAIN = 254;
        private static final int RTPROT_BOOT = 3;
        private static final int RT_SCOPE_UNIVERSE = 0;
        private static final int RT_SCOPE_LINK = 253;
        private static final int RT_SCOPE_NOWHERE = 255;
        private static final int RTN_UNSPEC = 0;
        private static final int RTN_UNICAST = 1;
        private static final int RTN_UNREACHABLE = 7;
        private static final int RTA_DST = 1;
        private static final int RTA_OIF = 4;
        private static final int RTA_GATEWAY = 5;
        private static final int RTA_PRIORITY = 6;
        private static final int RTA_PREFSRC = 7;
        private static final int RTA_TABLE = 15;

        @Override
        public byte[] encode(final int sequence) {
            final boolean add = change == Change.ADD;
            final IpPrefix dst = route.destination();
            final int table = route.table() == Route.MAIN_TABLE ? RT_TABLE_MAIN : route.table();
            final int type = route.isUnreachable() ? RTN_UNREACHABLE : add ? RTN_UNICAST : RTN_UNSPEC;
            final int scope = !dst.isIpv4() ? RT_SCOPE_UNIVERSE // IPv6 routes have no other scope
                    : !add ? RT_SCOPE_NOWHERE
                    : route.isUnreachable() || route.via().isPresent() ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
            final NetlinkMessageWriter m = new NetlinkMessageWriter(add ? RTM_NEWROUTE : RTM_DELROUTE,
                    add ? CREATE_NEW : CHANGE, sequence)
                    .u8(family(dst)).u8(dst.length()).u8(0).u8(0) // family, dst_len, src_len, tos
                    .u8(table > LARGEST_HEADER_TABLE ? 0 : table)
                    .u8(add ? RTPROT_BOOT : 0).u8(scope).u8(type).u32(0) // protocol, scope, type, flags
                    .attribute(RTA_DST, dst.address().getAddress());
            route.via().ifPresent(gw -> m.attribute(RTA_GATEWAY, gw.getAddress()));
            route.source().ifPresent(src -> m.attribute(RTA_PREFSRC, src.getAddress()));
            if (table > LARGEST_HEADER_TABLE) {
                m.attributeU32(RTA_TABLE, table);
            }
            if (route.isUnreachable()) {
                m.attributeU32(RTA_PRIORITY, (int) IpCommands.LAST_METRIC);
            } else {
                route.metric().ifPresent(metric -> m.attributeU32(RTA_PRIORITY, (int) metric));
                m.attributeU32(RTA_OIF, deviceIndex);
            }
            return m.finish();
        }
    }

    /**
     * {@code RTM_NEWRULE}/{@code RTM_DELRULE}: {@code struct fib_rule_hdr}, then
     * {@code FRA_PRIORITY}, {@code FRA_SRC}, {@code FRA_DST}, {@code FRA_IFNAME},
     * {@code FRA_FWMARK}, {@code FRA_TABLE}. An addition's action is "to table"; a deletion
     * leaves it open, as iproute2 does.
     */
    record RuleChange(Change change, boolean ipv6, int priority, Optional<IpPrefix> from, Optional<IpPrefix> to,
                      Optional<String> inputInterface, OptionalInt mark, int table) implements RtRequest {

        private static final int RTM_NEWRULE = 32;
        private static final int RTM_DELRULE = 33;
        private static final int FR_ACT_TO_TBL = 1;
        private static final int FRA_DST = 1;
        private static final int FRA_SRC = 2;
        private static final int FRA_IFNAME = 3;
        private static final int FRA_PRIORITY = 6;
        private static final int FRA_FWMARK = 10;
        private static final int FRA_TABLE = 15;

        static RuleChange of(final Change change, final PolicyRule rule) {
            return new RuleChange(change, IpCommands.isIpv6(rule), rule.priority(), rule.from(), rule.to(),
                    rule.inputInterface(), OptionalInt.empty(), rule.table());
        }

        /** {@code ip -4 rule add|del priority P fwmark MARK lookup TABLE}. */
        static RuleChange ofMark(final Change change, final int priority, final int mark, final int table) {
            return new RuleChange(change, false, priority, Optional.empty(), Optional.empty(), Optional.empty(),
                    OptionalInt.of(mark), table);
        }

        @Override
        public byte[] encode(final int sequence) {
            final boolean add = change == Change.ADD;
            final NetlinkMessageWriter m = new NetlinkMessageWriter(add ? RTM_NEWRULE : RTM_DELRULE,
                    add ? CREATE_NEW : CHANGE, sequence)
                    .u8(ipv6 ? Libc.AF_INET6 : Libc.AF_INET)
                    .u8(to.map(IpPrefix::length).orElse(0)).u8(from.map(IpPrefix::length).orElse(0)).u8(0) // tos
                    .u8(table > LARGEST_HEADER_TABLE ? 0 : table).u8(0).u8(0) // table, res1, res2
                    .u8(add ? FR_ACT_TO_TBL : 0).u32(0) // action, flags
                    .attributeU32(FRA_PRIORITY, priority);
            from.ifPresent(p -> m.attribute(FRA_SRC, p.address().getAddress()));
            to.ifPresent(p -> m.attribute(FRA_DST, p.address().getAddress()));
            inputInterface.ifPresent(dev -> m.attributeString(FRA_IFNAME, dev));
            mark.ifPresent(value -> m.attributeU32(FRA_FWMARK, value));
            if (table > LARGEST_HEADER_TABLE) {
                m.attributeU32(FRA_TABLE, table);
            }
            return m.finish();
        }
    }

    /** {@code RTM_NEWLINK} changing only {@code IFF_UP} ({@code ifi_change}): {@code ip link set DEV up|down}. */
    record LinkUp(int deviceIndex, boolean up) implements RtRequest {

        private static final int RTM_NEWLINK = 16;

        @Override
        public byte[] encode(final int sequence) {
            return ifinfo(new NetlinkMessageWriter(RTM_NEWLINK, CHANGE, sequence), deviceIndex,
                    up ? Libc.IFF_UP : 0, Libc.IFF_UP).finish();
        }
    }

    /** {@code RTM_DELLINK}: {@code ip link del DEV}. */
    record LinkDelete(int deviceIndex) implements RtRequest {

        private static final int RTM_DELLINK = 17;

        @Override
        public byte[] encode(final int sequence) {
            return ifinfo(new NetlinkMessageWriter(RTM_DELLINK, CHANGE, sequence), deviceIndex, 0, 0).finish();
        }
    }

    /** {@code RTM_NEWADDR} with {@code IFA_LOCAL} and {@code IFA_ADDRESS}: {@code ip address add A/LEN dev DEV}. */
    record AddressAdd(HostAddress address, int deviceIndex) implements RtRequest {

        private static final int RTM_NEWADDR = 20;
        private static final int IFA_ADDRESS = 1;
        private static final int IFA_LOCAL = 2;

        @Override
        public byte[] encode(final int sequence) {
            final byte[] raw = address.address().getAddress();
            return new NetlinkMessageWriter(RTM_NEWADDR, CREATE_NEW, sequence)
                    .u8(raw.length == 4 ? Libc.AF_INET : Libc.AF_INET6).u8(address.prefixLength())
                    .u8(0).u8(0).u32(deviceIndex) // flags, scope (global), index
                    .attribute(IFA_LOCAL, raw)
                    .attribute(IFA_ADDRESS, raw)
                    .finish();
        }
    }

    private static int family(final IpPrefix prefix) {
        return prefix.isIpv4() ? Libc.AF_INET : Libc.AF_INET6;
    }

    /** {@code struct ifinfomsg}: family (unspecified), pad, type, index, flags, change mask. */
    private static NetlinkMessageWriter ifinfo(final NetlinkMessageWriter m, final int index, final int flags,
                                               final int change) {
        return m.u8(0).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }
}
