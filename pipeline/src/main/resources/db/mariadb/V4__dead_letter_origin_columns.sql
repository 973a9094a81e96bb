-- A dead letter's origin and its payload's length and SHA-256 get columns of their own (issue 18),
-- as Kafka Connect's dead-letter headers name them: a Kafka record's topic, partition and offset;
-- an MQTT publish's topic (origin_topic alone); a file's path and 1-based line. Components a
-- transport does not have, and the origin of letters of later steps that no longer know it, are
-- NULL. payload_length and payload_sha256 describe the whole payload, also when the row keeps only
-- its first bytes. Rows written before this migration keep NULL here: their detail starts with
-- what they knew of it. The sizes are FieldLimits' (JdbcColumnLimitsTest checks them). No index:
-- a PostgreSQL index entry is limited to about 2.7 kB, less than a 1,024-character topic may take.
ALTER TABLE dead_letters
    ADD COLUMN origin_topic     VARCHAR(1024),
    ADD COLUMN origin_partition INT,
    ADD COLUMN origin_offset    BIGINT,
    ADD COLUMN origin_file      VARCHAR(1024),
    ADD COLUMN origin_line      BIGINT,
    ADD COLUMN payload_length   BIGINT,
    ADD COLUMN payload_sha256   VARCHAR(64);
