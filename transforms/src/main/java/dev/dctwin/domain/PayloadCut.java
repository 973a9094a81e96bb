package dev.dctwin.domain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What is known of a payload of which only the first bytes are kept: its full length in bytes and
 * the SHA-256 of all of them (lowercase hex), so that an operator can match a dead letter to the
 * original without the pipeline carrying or storing it whole.
 */
public record PayloadCut(long length, String sha256) {

  /** The lowercase hex SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /** A fresh SHA-256 digest, for payloads read piece by piece. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
