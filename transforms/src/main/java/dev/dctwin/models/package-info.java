/**
 * The pure models of dctwin's digital twins: the server twin ({@link dev.dctwin.models.ServerTwin}:
 * commissioning, BMC readings, silence, and its {@link dev.dctwin.models.ServerHealthModel}), rack
 * correlation and datacenter correlation. Plain Java, no Beam: a twin's DoFn loads the state, calls
 * the model, stores what it returns and emits its outputs.
 *
 * <p>Every model is driven by explicit event times in epoch milliseconds and never reads a clock,
 * so replaying the same input gives the same output (and the same content-derived alert ids). Every
 * state is plain immutable data (except {@link dev.dctwin.models.ServerWindow}, a mutable buffer)
 * with a compact, versioned binary encoding ({@code toBytes} / {@code fromBytes}).
 */
package dev.dctwin.models;
