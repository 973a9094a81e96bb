package dev.dctwin.pipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a local service, which a test can cut (the port refuses
 * connections and every open one is dropped) and restore, to play an outage of the service without
 * stopping it for the other tests that use it.
 */
public final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket server;

  private TcpProxy(int upstreamPort) throws IOException {
    this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
    this.server = listen(0);
    this.port = server.getLocalPort();
    accept(server);
  }

  /** A proxy to 127.0.0.1:{@code upstreamPort}, on a free port, passing connections through. */
  public static TcpProxy to(int upstreamPort) throws IOException {
    return new TcpProxy(upstreamPort);
  }

  public int port() {
    return port;
  }

  /** Refuses new connections and drops the open ones (a reset, as a crashed server's peer sees). */
  public synchronized void cut() {
    if (server != null) {
      closeQuietly(server);
      server = null;
    }
    for (Socket socket : open) {
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // Closed already.
      }
      closeQuietly(socket);
    }
    open.clear();
  }

  /** Accepts connections on the same port again. */
  public synchronized void restore() throws IOException {
    if (server == null) {
      server = listen(port);
      accept(server);
    }
  }

  @Override
  public void close() {
    cut();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private void accept(ServerSocket listening) {
    Thread acceptor =
        new Thread(
            () -> {
              while (!listening.isClosed()) {
                Socket client;
                try {
                  client = listening.accept();
                } catch (IOException e) {
                  return; // cut
                }
                Socket service = new Socket();
                try {
                  service.connect(upstream, 5_000);
                } catch (IOException e) {
                  closeQuietly(client);
                  closeQuietly(service);
                  continue;
                }
                open.add(client);
                open.add(service);
                pump(client, service);
                pump(service, client);
              }
            },
            "tcp-proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void pump(Socket from, Socket to) {
    Thread pump =
        new Thread(
            () -> {
              byte[] buffer = new byte[16_384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed or was cut: close both.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-pump-" + port);
    pump.setDaemon(true);
    pump.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Nothing left to release.
    }
  }
}
