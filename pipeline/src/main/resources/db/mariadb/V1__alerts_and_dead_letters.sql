-- One row per incident: the OPENED alert inserts it, the RESOLVED alert updates it (status,
-- resolved_at). Times are UTC in DATETIME(3). Applied by Flyway at start (SchemaMigrations), never
-- by hand.
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
    opened_at         DATETIME(3)  NOT NULL,
    resolved_at       DATETIME(3),
    last_event_time   DATETIME(3)  NOT NULL,
    opened_alert_id   VARCHAR(80),
    resolved_alert_id VARCHAR(80),
    INDEX alerts_open_by_datacenter (datacenter_id, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Input dctwin could not process, with its exact bytes. id is a hash of (source, received_at,
-- payload), so that a retried batch does not store a letter twice.
CREATE TABLE dead_letters (
    id          VARCHAR(64)   NOT NULL PRIMARY KEY,
    source      VARCHAR(1024) NOT NULL,
    reason      VARCHAR(32)   NOT NULL,
    detail      TEXT,
    payload     LONGBLOB      NOT NULL,
    received_at DATETIME(3)   NOT NULL,
    INDEX dead_letters_by_reason (reason, received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
