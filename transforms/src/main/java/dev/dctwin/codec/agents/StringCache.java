package dev.dctwin.codec.agents;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * The string values agents repeat in every message (host names, plugin and type names, data source
 * types), kept per thread so that reading one again neither allocates a string nor hashes it anew
 * for the decoders' switches. A slot holds the last string that hashed to it.
 */
final class StringCache {
  private static final int SLOTS = 1024;
  private static final int MAX_LENGTH = 64;
  private static final ThreadLocal<StringCache> CACHES = ThreadLocal.withInitial(StringCache::new);

  private final String[] slots = new String[SLOTS];

  private StringCache() {}

  static StringCache get() {
    return CACHES.get();
  }

  /** The text of the parser's current string token. */
  String text(JsonParser parser) throws IOException {
    int length = parser.getTextLength();
    if (length > MAX_LENGTH) {
      return parser.getText();
    }
    char[] chars = parser.getTextCharacters();
    int offset = parser.getTextOffset();
    int hash = 0;
    for (int i = 0; i < length; i++) {
      hash = 31 * hash + chars[offset + i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String cached = slots[slot];
    if (cached != null && cached.length() == length && matches(cached, chars, offset)) {
      return cached;
    }
    String text = new String(chars, offset, length);
    slots[slot] = text;
    return text;
  }

  private static boolean matches(String cached, char[] chars, int offset) {
    for (int i = 0; i < cached.length(); i++) {
      if (cached.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
