-- server_status becomes a table that the server twins upsert (issue 21), with what the alerts
-- table cannot tell: the last report time, the learned baseline's readiness, and whether the
-- server is still commissioned. Times are UTC in DATETIME(3). rack_health and datacenter_health
-- stay views, now over this table and the alerts table, so that "which racks are unhealthy" is
-- still one query and cannot disagree with its sources. Why views and not tables that the rack and datacenter twins upsert:
-- pipeline/SQL-STATUS.md.
DROP VIEW datacenter_health;
DROP VIEW rack_health;
DROP VIEW server_status;

-- One row per server ever commissioned: its twin's status as of changed_at (event time, UTC).
-- The sink upserts a row only when its changed_at is not older than the stored one, so a replay,
-- a retried batch or a late row leaves the newest status. A server that left keeps its row,
-- lifecycle DECOMMISSIONED or GONE: a deleted row could be brought back by a late update.
CREATE TABLE server_status (
    server_id                  VARCHAR(255)  NOT NULL PRIMARY KEY,
    rack_id                    VARCHAR(255)  NOT NULL,
    datacenter_id              VARCHAR(255)  NOT NULL,
    lifecycle                  VARCHAR(16)   NOT NULL,
    open_incidents             INTEGER       NOT NULL,
    incident_types             VARCHAR(1024) NOT NULL,
    last_report_at             DATETIME(3),
    baseline_ready             BOOLEAN,
    baseline_expected_ready_at DATETIME(3),
    changed_at                 DATETIME(3)   NOT NULL,
    INDEX server_status_by_rack (datacenter_id, rack_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Per rack with a commissioned server or an open rack incident: its commissioned servers, those
-- with an open incident, and its open rack-level incidents. Unhealthy: either count above 0.
CREATE VIEW rack_health AS
SELECT datacenter_id,
       rack_id,
       SUM(servers) AS servers,
       SUM(unhealthy_servers) AS unhealthy_servers,
       SUM(rack_incidents) AS rack_incidents,
       MAX(changed_at) AS changed_at
FROM (SELECT datacenter_id, rack_id, 1 AS servers,
             CASE WHEN open_incidents > 0 THEN 1 ELSE 0 END AS unhealthy_servers,
             0 AS rack_incidents, changed_at
      FROM server_status
      WHERE lifecycle = 'COMMISSIONED'
      UNION ALL
      SELECT datacenter_id, rack_id, 0, 0, 1, last_event_time
      FROM alerts
      WHERE level = 'RACK' AND status = 'OPENED') parts
GROUP BY datacenter_id, rack_id;

-- Per datacenter: its racks' counts as above, its unhealthy racks, its open datacenter-level
-- incidents.
CREATE VIEW datacenter_health AS
SELECT datacenter_id,
       SUM(servers) AS servers,
       SUM(unhealthy_servers) AS unhealthy_servers,
       SUM(unhealthy_racks) AS unhealthy_racks,
       SUM(datacenter_incidents) AS datacenter_incidents,
       MAX(changed_at) AS changed_at
FROM (SELECT datacenter_id, servers, unhealthy_servers,
             CASE WHEN unhealthy_servers > 0 OR rack_incidents > 0 THEN 1 ELSE 0 END
                 AS unhealthy_racks,
             0 AS datacenter_incidents, changed_at
      FROM rack_health
      UNION ALL
      SELECT datacenter_id, 0, 0, 0, 1, last_event_time
      FROM alerts
      WHERE level = 'DATACENTER' AND status = 'OPENED') parts
GROUP BY datacenter_id;
