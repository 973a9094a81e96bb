# The three operators dctwin's Kubernetes deployment builds on. Their charts install the CRDs
# (FlinkDeployment, Kafka, KafkaNodePool, KafkaTopic, Cluster) that the root configuration's
# kubernetes_manifest resources need at plan time: apply this module first (see README).
# Helm installs a chart's CRDs on install only; upgrading an operator may need its CRDs applied
# by hand first (each operator's upgrade notes say so).

resource "helm_release" "flink_operator" {
  name             = "flink-kubernetes-operator"
  namespace        = var.flink_operator.namespace
  create_namespace = true
  repository       = format(var.flink_operator.repository, var.flink_operator.version)
  chart            = "flink-kubernetes-operator"
  version          = var.flink_operator.version
  atomic           = true
  cleanup_on_fail  = true
  timeout          = var.timeout_seconds

  values = [yamlencode({
    watchNamespaces = var.watch_namespaces
    webhook = {
      create = var.flink_operator.webhook
    }
  })]
}

resource "helm_release" "strimzi" {
  name             = "strimzi-kafka-operator"
  namespace        = var.strimzi.namespace
  create_namespace = true
  repository       = var.strimzi.repository
  chart            = "strimzi-kafka-operator"
  version          = var.strimzi.version
  atomic           = true
  cleanup_on_fail  = true
  timeout          = var.timeout_seconds

  values = [yamlencode({
    watchNamespaces = var.watch_namespaces
  })]
}

resource "helm_release" "cloudnative_pg" {
  name             = "cloudnative-pg"
  namespace        = var.cloudnative_pg.namespace
  create_namespace = true
  repository       = var.cloudnative_pg.repository
  chart            = "cloudnative-pg"
  version          = var.cloudnative_pg.version
  atomic           = true
  cleanup_on_fail  = true
  timeout          = var.timeout_seconds
}
