# Kafka in KRaft mode (no ZooKeeper): one KafkaNodePool whose nodes are both controllers and
# brokers, and the Kafka resource that Strimzi turns into the cluster. Topics are KafkaTopic
# resources that the Topic Operator reconciles, users (kafka-users.tf) KafkaUser resources that
# the User Operator reconciles. Clients reach one listener only: TLS with SCRAM-SHA-512, and the
# simple authorizer checks every request against the user's ACLs (README.md#security).

locals {
  # A one-node development cluster cannot replicate; otherwise keep 3 copies, 2 in sync.
  kafka_replication = min(var.kafka_replicas, 3)
  kafka_min_isr     = var.kafka_replicas >= 3 ? 2 : 1
  kafka_bootstrap   = "${var.kafka_cluster_name}-kafka-bootstrap.${var.namespace}.svc:${local.kafka_port}"
  kafka_port        = 9093

  # Strimzi's containers write only to volumes (/tmp is an emptyDir it mounts in each of them).
  restricted_container = {
    runAsNonRoot             = true
    readOnlyRootFilesystem   = true
    allowPrivilegeEscalation = false
    capabilities             = { drop = ["ALL"] }
  }
  # Pods that may open a connection to the Kafka listener (also what the NetworkPolicy that
  # Strimzi generates for the listener lets in).
  kafka_client_label = { "dctwin.dev/kafka-client" = "true" }
}

resource "kubernetes_manifest" "kafka_node_pool" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaNodePool"
    metadata = {
      name      = "${var.kafka_cluster_name}-dual-role"
      namespace = var.namespace
      labels = merge(local.labels, {
        "strimzi.io/cluster" = var.kafka_cluster_name
      })
    }
    spec = {
      replicas = var.kafka_replicas
      roles    = ["controller", "broker"]
      resources = {
        requests = { cpu = var.kafka_resources.cpu, memory = var.kafka_resources.memory }
        limits   = { cpu = var.kafka_resources.cpu, memory = var.kafka_resources.memory }
      }
      storage = {
        type = "jbod"
        # Null attributes would show as a change on every plan: leave the class out instead.
        volumes = [merge(
          {
            id            = 0
            type          = "persistent-claim"
            size          = var.kafka_storage.size
            deleteClaim   = false
            kraftMetadata = "shared"
          },
          var.kafka_storage.storage_class == null ? {} : { class = var.kafka_storage.storage_class },
        )]
      }
    }
  }

  depends_on = [module.operators]
}

resource "kubernetes_manifest" "kafka" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "Kafka"
    metadata = {
      name      = var.kafka_cluster_name
      namespace = var.namespace
      labels    = local.labels
      annotations = {
        "strimzi.io/node-pools" = "enabled"
        "strimzi.io/kraft"      = "enabled"
      }
    }
    spec = {
      kafka = {
        version = var.kafka_version
        listeners = [{
          name           = "tls"
          port           = local.kafka_port
          type           = "internal"
          tls            = true
          authentication = { type = "scram-sha-512" }
          networkPolicyPeers = [{
            podSelector = { matchLabels = local.kafka_client_label }
          }]
        }]
        authorization = { type = "simple" }
        template = {
          pod = {
            # fsGroup 0: Strimzi's default for its persistent volumes, which this replaces.
            securityContext = { runAsNonRoot = true, fsGroup = 0, seccompProfile = { type = "RuntimeDefault" } }
          }
          kafkaContainer = { securityContext = local.restricted_container }
        }
        config = {
          "default.replication.factor"               = local.kafka_replication
          "min.insync.replicas"                      = local.kafka_min_isr
          "offsets.topic.replication.factor"         = local.kafka_replication
          "transaction.state.log.replication.factor" = local.kafka_replication
          "transaction.state.log.min.isr"            = local.kafka_min_isr
          "auto.create.topics.enable"                = false
        }
      }
      entityOperator = {
        template = {
          pod                    = { securityContext = { runAsNonRoot = true, seccompProfile = { type = "RuntimeDefault" } } }
          topicOperatorContainer = { securityContext = local.restricted_container }
          userOperatorContainer  = { securityContext = local.restricted_container }
        }
        topicOperator = {
          resources = {
            requests = { cpu = "100m", memory = "256Mi" }
            limits   = { cpu = "500m", memory = "512Mi" }
          }
        }
        userOperator = {
          resources = {
            requests = { cpu = "100m", memory = "256Mi" }
            limits   = { cpu = "500m", memory = "512Mi" }
          }
        }
      }
    }
  }

  wait {
    condition {
      type   = "Ready"
      status = "True"
    }
  }

  timeouts {
    create = "30m"
    update = "30m"
  }

  depends_on = [module.operators, kubernetes_manifest.kafka_node_pool]
}

locals {
  kafka_stream_topic = {
    partitions = var.kafka_topic_partitions
    replicas   = local.kafka_replication
    config = {
      "retention.ms"        = tostring(var.kafka_topic_retention_hours * 3600 * 1000)
      "min.insync.replicas" = tostring(local.kafka_min_isr)
    }
  }
}

module "kafka_topics" {
  source = "../modules/kafka-topics"

  namespace    = var.namespace
  cluster_name = var.kafka_cluster_name
  topics = {
    (var.kafka_topics.metrics)    = local.kafka_stream_topic
    (var.kafka_topics.sensors)    = local.kafka_stream_topic
    (var.kafka_topics.prometheus) = local.kafka_stream_topic
    # Compacted, not deleted after the retention time: the topic keeps the latest commission or
    # decommission of every server and the latest maintenance window of every entity (keys in
    # transforms/WIRE-FORMAT.md, "Kafka record keys"), so that a job started from an empty state
    # still learns the whole fleet. Its size is bounded by the number of entities, not by time.
    (var.kafka_topics.provisioning) = {
      partitions = var.kafka_topic_partitions
      replicas   = local.kafka_replication
      config = {
        "cleanup.policy"      = "compact"
        "min.insync.replicas" = tostring(local.kafka_min_isr)
      }
    }
    (var.kafka_topics.queries)      = local.kafka_stream_topic
    (var.kafka_topics.alerts)       = local.kafka_stream_topic
    (var.kafka_topics.answers)      = local.kafka_stream_topic
    (var.kafka_topics.dead_letters) = local.kafka_stream_topic
  }

  depends_on = [kubernetes_manifest.kafka]
}
