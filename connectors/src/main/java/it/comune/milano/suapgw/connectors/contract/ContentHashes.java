package it.comune.milano.suapgw.connectors.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Content hashes as the contracts name them: {@code alg_hash} S256/S384/S512 (SSU, GEOPOST allegati). The SSU
 * specification does not fix the text encoding of a hash; we produce lowercase hex and accept hex (any case),
 * base64 and base64url.
 */
public final class ContentHashes {
    private ContentHashes() {
    }

    public static byte[] digest(String algHash, byte[] content) {
        return newDigest(algHash).digest(content);
    }

    /** A fresh digest for {@code alg_hash}, to hash a content as it streams. */
    public static MessageDigest newDigest(String algHash) {
        String jca = switch (algHash) {
            case "S256" -> "SHA-256";
            case "S384" -> "SHA-384";
            case "S512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported alg_hash " + algHash);
        };
        try {
            return MessageDigest.getInstance(jca);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(digest("S256", content));
    }

    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean matches(String algHash, String expected, byte[] content) {
        byte[] actual = digest(algHash, content);
        byte[] declared = decode(expected.trim());
        return declared != null && MessageDigest.isEqual(actual, declared);
    }

    /** Whether a finished digest is the declared hash (in any encoding we accept). */
    public static boolean matches(byte[] actual, String expected) {
        byte[] declared = decode(expected.trim());
        return declared != null && MessageDigest.isEqual(actual, declared);
    }

    /** Whether two hash texts name the same hash, whatever encoding each is in. */
    public static boolean sameHash(String a, String b) {
        byte[] x = decode(a.trim()), y = decode(b.trim());
        return x != null && y != null && MessageDigest.isEqual(x, y);
    }

    private static byte[] decode(String s) {
        if (s.length() % 2 == 0 && s.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(s);
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(s);
            } catch (IllegalArgumentException e2) {
                return null;
            }
        }
    }
}
