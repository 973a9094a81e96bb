module "mosquitto" {
  source = "../modules/mosquitto"

  namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
  image     = var.mosquitto_image
  users = {
    (var.mqtt_username) = var.mqtt_password
  }
}
