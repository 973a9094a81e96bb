package dev.dctwin.simulator;

/** The streams the simulator writes, with their file, MQTT topic and Kafka topic (WIRE-FORMAT). */
enum Topic {
  PROVISIONING("provisioning.jsonl", "dctwin/provisioning", "dctwin.provisioning"),
  METRICS("metrics.jsonl", "dctwin/metrics", "dctwin.metrics"),
  SENSORS("sensors.jsonl", "dctwin/sensors", "dctwin.sensors"),
  MEASUREMENTS("measurements.jsonl", "dctwin/measurements", "dctwin.measurements");

  private final String fileName;
  private final String mqttTopic;
  private final String kafkaTopic;

  Topic(String fileName, String mqttTopic, String kafkaTopic) {
    this.fileName = fileName;
    this.mqttTopic = mqttTopic;
    this.kafkaTopic = kafkaTopic;
  }

  String fileName() {
    return fileName;
  }

  String mqttTopic() {
    return mqttTopic;
  }

  String kafkaTopic() {
    return kafkaTopic;
  }
}
