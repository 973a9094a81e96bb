package dev.dctwin.models;

import dev.dctwin.domain.Incident;

/**
 * One transition of a server incident: opened or resolved, at {@code eventTime} (epoch ms). For an
 * opening, {@code eventTime} equals {@code incident.openedAt()}.
 */
public record IncidentChange(Incident incident, boolean opened, long eventTime) {}
