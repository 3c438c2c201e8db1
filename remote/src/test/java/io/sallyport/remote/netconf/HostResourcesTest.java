package io.sallyport.remote.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sallyport.remote.RemoteFixture;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hardware facts RPCs: their XML from given figures, and the live figures against procps' free and coreutils' df. */
class HostResourcesTest {

    @Test
    void memoryIsTheMeminfoSummaryInKilobytesWithPercentages() {
        String meminfo = """
                MemTotal:        1000000 kB
                MemFree:          250000 kB
                MemAvailable:     600000 kB
                Buffers:           10000 kB
                Cached:           290000 kB
                Active:           400000 kB
                Inactive:         200000 kB
                HugePages_Total:       0
                """;
        assertEquals("""
                <system-memory-information>
                <system-memory-summary-information>
                <system-memory-total>1000000</system-memory-total>
                <system-memory-total-percent>100%</system-memory-total-percent>
                <system-memory-active>400000</system-memory-active>
                <system-memory-active-percent>40%</system-memory-active-percent>
                <system-memory-inactive>200000</system-memory-inactive>
                <system-memory-inactive-percent>20%</system-memory-inactive-percent>
                <system-memory-cache>300000</system-memory-cache>
                <system-memory-cache-percent>30%</system-memory-cache-percent>
                <system-memory-free>250000</system-memory-free>
                <system-memory-free-percent>25%</system-memory-free-percent>
                </system-memory-summary-information>
                </system-memory-information>
                """, HostResources.memory(meminfo));
    }

    @Test
    void storageCountsBlocksOf512BytesWithDfsHumanForm() {
        var fs = new HostResources.Filesystem("/dev/vda", "/mnt/a b", 20L << 30, 18L << 30, 17L << 30);
        assertEquals("""
                <system-storage-information>
                <filesystem>
                <filesystem-name>/dev/vda</filesystem-name>
                <total-blocks junos:format="20G">41943040</total-blocks>
                <used-blocks junos:format="2.0G">4194304</used-blocks>
                <available-blocks junos:format="17G">35651584</available-blocks>
                <used-percent>11</used-percent>
                <mounted-on>/mnt/a b</mounted-on>
                </filesystem>
                </system-storage-information>
                """, HostResources.storage(List.of(fs)));
        assertEquals("1.2G", HostResources.human(1_240_000_000L));
        assertEquals("793M", HostResources.human(793L << 20));
        assertEquals("60K", HostResources.human(60L << 10));
        assertEquals("0", HostResources.human(0));
        assertEquals("/mnt/a b\\c", HostResources.unescape("/mnt/a\\040b\\134c"));
    }

    @Test
    void theLiveMemoryTotalIsWhatFreeSays() throws Exception {
        assumeTrue(RemoteFixture.installed("free"), "needs procps' free");
        var free = RemoteFixture.run(List.of("free", "-k"));
        String mem = free.out().lines().filter(l -> l.startsWith("Mem:")).findFirst().orElseThrow();
        String total = mem.split("\\s+")[1];
        String xml = HostResources.memory();
        assertTrue(xml.contains("<system-memory-total>" + total + "</system-memory-total>"), xml + "\nfree:\n" + free.out());
    }

    @Test
    void theLiveRootFilesystemIsWhatDfSays() throws Exception {
        assumeTrue(RemoteFixture.installed("df"), "needs coreutils' df");
        var df = RemoteFixture.run(List.of("df", "-P", "-B", "512", "/"));
        String[] row = df.out().lines().skip(1).findFirst().orElseThrow().split("\\s+");
        String xml = HostResources.storage();
        Matcher m = Pattern.compile("<filesystem>\\n<filesystem-name>([^<]*)</filesystem-name>\\n<total-blocks junos:format=\"[^\"]+\">(\\d+)</total-blocks>\\n"
                + "<used-blocks junos:format=\"[^\"]+\">(\\d+)</used-blocks>\\n<available-blocks junos:format=\"[^\"]+\">(\\d+)</available-blocks>\\n"
                + "<used-percent>(\\d+)</used-percent>\\n<mounted-on>/</mounted-on>").matcher(xml);
        assertTrue(m.find(), xml);
        assertEquals(row[0], m.group(1), "filesystem name");
        assertEquals(row[1], m.group(2), "512-byte blocks");
    }
}
