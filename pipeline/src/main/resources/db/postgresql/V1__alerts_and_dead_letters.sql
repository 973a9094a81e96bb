-- One row per incident: the OPENED alert inserts it, the RESOLVED alert updates it (status,
-- resolved_at). Times are UTC. Applied by Flyway at start (SchemaMigrations), never by hand.
CREATE TABLE alerts (
    incident_id       VARCHAR(64)  NOT NULL PRIMARY KEY,
    status            VARCHAR(16)  NOT NULL,
    level             VARCHAR(16)  NOT NULL,
    entity            VARCHAR(255) NOT NULL,
    datacenter_id     VARCHAR(255) NOT NULL,
    rack_id           VARCHAR(255),
    incident_type     VARCHAR(64)  NOT NULL,
    category          VARCHAR(32)  NOT NULL,
    severity          VARCHAR(16)  NOT NULL,
    root_cause        VARCHAR(64),
    explained_by      VARCHAR(64),
    context           TEXT,
    opened_at         TIMESTAMPTZ  NOT NULL,
    resolved_at       TIMESTAMPTZ,
    last_event_time   TIMESTAMPTZ  NOT NULL,
    opened_alert_id   VARCHAR(80),
    resolved_alert_id VARCHAR(80)
);

CREATE INDEX alerts_open_by_datacenter ON alerts (datacenter_id, status);

-- Input dctwin could not process, with its exact bytes. id is a hash of (source, received_at,
-- payload), so that a retried batch does not store a letter twice.
CREATE TABLE dead_letters (
    id          VARCHAR(64)   NOT NULL PRIMARY KEY,
    source      VARCHAR(1024) NOT NULL,
    reason      VARCHAR(32)   NOT NULL,
    detail      TEXT,
    payload     BYTEA         NOT NULL,
    received_at TIMESTAMPTZ   NOT NULL
);

CREATE INDEX dead_letters_by_reason ON dead_letters (reason, received_at);
