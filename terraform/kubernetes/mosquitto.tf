# Mosquitto with TLS only, passwords and per-user topic rights: the pipeline's user may only read
# the input topics, the devices' user may only publish to them.

locals {
  mqtt_input_topics = ["dctwin/metrics", "dctwin/sensors", "dctwin/provisioning", "dctwin/queries"]
  mqtt_tls_secret   = var.mqtt_tls.issuer == null ? var.mqtt_tls.secret_name : "mosquitto-tls"
}

# The broker's certificate from cert-manager, when mqtt_tls names an issuer.
resource "kubernetes_manifest" "mqtt_certificate" {
  count = var.mqtt_tls.issuer == null ? 0 : 1

  manifest = {
    apiVersion = "cert-manager.io/v1"
    kind       = "Certificate"
    metadata = {
      name      = "mosquitto-tls"
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      secretName = "mosquitto-tls"
      dnsNames   = ["mosquitto.${var.namespace}.svc", "mosquitto.${var.namespace}.svc.cluster.local"]
      issuerRef  = { name = var.mqtt_tls.issuer.name, kind = var.mqtt_tls.issuer.kind, group = "cert-manager.io" }
    }
  }

  depends_on = [kubernetes_namespace_v1.dctwin]
}

module "mosquitto" {
  source = "../modules/mosquitto"

  namespace       = kubernetes_namespace_v1.dctwin.metadata[0].name
  image           = var.mosquitto_image
  tls_certificate = local.mqtt_tls_secret
  users = {
    (var.mqtt_username)        = var.mqtt_password
    (var.mqtt_device_username) = var.mqtt_device_password
  }
  acl = {
    (var.mqtt_username)        = { read = local.mqtt_input_topics }
    (var.mqtt_device_username) = { write = local.mqtt_input_topics }
  }

  depends_on = [kubernetes_manifest.mqtt_certificate]
}
