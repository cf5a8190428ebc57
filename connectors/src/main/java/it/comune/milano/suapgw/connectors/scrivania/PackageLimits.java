package it.comune.milano.suapgw.connectors.scrivania;

/**
 * Bounds on what a pratica package may expand to. The ratio applies to an entry once it has produced more than
 * {@code ratioThresholdBytes}: small XML files compress well and are harmless, a bomb is caught after one megabyte.
 */
public record PackageLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, double maxCompressionRatio,
                            long ratioThresholdBytes) {

    public static PackageLimits defaults() {
        return new PackageLimits(2000, 50L << 20, 200L << 20, 100, 1L << 20);
    }
}
