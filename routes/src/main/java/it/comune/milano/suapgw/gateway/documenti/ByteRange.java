package it.comune.milano.suapgw.gateway.documenti;

/** One byte range of a representation (RFC 9110 §14.1.2), the only kind the document GETs support. */
public record ByteRange(long first, long last) {

    /** @return the range within a representation of {@code length} bytes, or null when it cannot be satisfied */
    public static ByteRange parse(String header, long length) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0 || length == 0) return null;
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        try {
            String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) { // suffix: the last N bytes
                long n = Long.parseLong(b);
                return n <= 0 ? null : new ByteRange(Math.max(0, length - n), length - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
            return first < 0 || first >= length || last < first ? null : new ByteRange(first, last);
        } catch (NumberFormatException bad) {
            return null;
        }
    }

    public long length() {
        return last - first + 1;
    }
}
