package dev.dctwin.simulator;

import java.util.SplittableRandom;

/**
 * Random number generators derived from the run's seed and the name of what they drive (a server, a
 * fault, the planner). Each entity has its own stream, so adding a fault or a server does not shift
 * the numbers every other entity draws, and nothing depends on the order in which entities are
 * visited.
 */
final class Seeds {
  private Seeds() {}

  static SplittableRandom forEntity(long seed, String name) {
    return new SplittableRandom(mix64(seed ^ mix64(fnv1a64(name))));
  }

  /** FNV-1a over the UTF-16 code units: stable across JVMs, unlike identity hashes. */
  private static long fnv1a64(String text) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      hash ^= text.charAt(i);
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  /** The finalizer of SplitMix64: spreads nearby seeds over the whole state space. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
