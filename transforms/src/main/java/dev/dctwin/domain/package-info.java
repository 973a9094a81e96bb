/**
 * The messages dctwin exchanges and the values its twins keep: plain immutable records, no Beam.
 *
 * <p>Every record here has a JSON form defined by {@link dev.dctwin.codec.WireCodec} and documented
 * in {@code transforms/WIRE-FORMAT.md}.
 */
package dev.dctwin.domain;
