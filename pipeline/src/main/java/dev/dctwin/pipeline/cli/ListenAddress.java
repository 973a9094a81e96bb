package dev.dctwin.pipeline.cli;

import java.net.InetSocketAddress;

/** The {@code --listen} flag of the services of the pipeline jar (receiver, view). */
public final class ListenAddress {
  private ListenAddress() {}

  /** {@code host:port}, {@code [v6]:port} or {@code :port} (loopback); a usage error otherwise. */
  public static InetSocketAddress parse(String listen) {
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw new UsageException("--listen=" + listen + " is not host:port");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("--listen=" + listen + " has no port number");
    }
    if (port < 0 || port > 65_535) {
      throw new UsageException("--listen=" + listen + ": port out of range");
    }
    return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
  }
}
