package io.sallyport.gateway.routing;

/** Junos's route age layout: {@code 00:02:39}, {@code 1d 02:03:04}, {@code 2w3d 04:05:06}. */
final class JunosAge {

    private JunosAge() {}

    static String of(long seconds) {
        long s = Math.max(0, seconds);
        long weeks = s / 604_800;
        long days = s % 604_800 / 86_400;
        String clock = String.format("%02d:%02d:%02d", s % 86_400 / 3600, s % 3600 / 60, s % 60);
        if (weeks > 0) {
            return weeks + "w" + days + "d " + clock;
        }
        return days > 0 ? days + "d " + clock : clock;
    }
}
