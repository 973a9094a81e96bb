-- Every OPENED and RESOLVED transition of every incident, append-only: the history. The key is
-- the alert id's parts (incident, transition), and the sink inserts with ON DUPLICATE KEY UPDATE
-- of nothing, so that a replay or a retried batch adds no row. Times are UTC in DATETIME(3).
CREATE TABLE alert_events (
    incident_id    VARCHAR(64)  NOT NULL,
    transition     VARCHAR(16)  NOT NULL,
    event_time     DATETIME(3)  NOT NULL,
    level          VARCHAR(16)  NOT NULL,
    entity         VARCHAR(255) NOT NULL,
    datacenter_id  VARCHAR(255) NOT NULL,
    rack_id        VARCHAR(255),
    incident_type  VARCHAR(64)  NOT NULL,
    category       VARCHAR(32)  NOT NULL,
    severity       VARCHAR(16)  NOT NULL,
    root_cause     VARCHAR(64),
    explained_by   VARCHAR(64),
    in_maintenance BOOLEAN      NOT NULL,
    context        TEXT,
    opened_at      DATETIME(3)  NOT NULL,
    PRIMARY KEY (incident_id, transition),
    -- "What happened to server X": by entity, in time order.
    INDEX alert_events_by_entity (entity, event_time),
    -- "What paged last night": by time (pages are OPENED, unexplained, not in maintenance).
    INDEX alert_events_by_time (event_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The twins' health as the alerts table knows it: the open incidents per server, rack and
-- datacenter. Views, not tables: they change exactly when an alert row does, and a replay cannot
-- make them disagree with it.
CREATE VIEW server_status AS
SELECT entity AS server_id,
       datacenter_id,
       rack_id,
       COUNT(*) AS open_incidents,
       GROUP_CONCAT(incident_type ORDER BY incident_type SEPARATOR ',') AS incident_types,
       MAX(last_event_time) AS changed_at
FROM alerts
WHERE level = 'SERVER' AND status = 'OPENED'
GROUP BY entity, datacenter_id, rack_id;

CREATE VIEW rack_health AS
SELECT rack_id,
       datacenter_id,
       SUM(CASE WHEN level = 'RACK' THEN 1 ELSE 0 END) AS rack_incidents,
       COUNT(DISTINCT CASE WHEN level = 'SERVER' THEN entity END) AS unhealthy_servers,
       MAX(last_event_time) AS changed_at
FROM alerts
WHERE status = 'OPENED' AND rack_id IS NOT NULL
GROUP BY rack_id, datacenter_id;

CREATE VIEW datacenter_health AS
SELECT datacenter_id,
       SUM(CASE WHEN level = 'DATACENTER' THEN 1 ELSE 0 END) AS datacenter_incidents,
       COUNT(DISTINCT rack_id) AS unhealthy_racks,
       COUNT(DISTINCT CASE WHEN level = 'SERVER' THEN entity END) AS unhealthy_servers,
       MAX(last_event_time) AS changed_at
FROM alerts
WHERE status = 'OPENED'
GROUP BY datacenter_id;
