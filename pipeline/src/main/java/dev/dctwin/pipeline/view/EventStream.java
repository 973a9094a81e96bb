package dev.dctwin.pipeline.view;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events to every open page: each subscriber has a bounded queue and is written by the
 * HTTP thread that accepted it, so that a slow page never holds up the others or the Kafka reader.
 * A page whose queue overflows is disconnected; its EventSource reconnects and fetches the full
 * snapshot again, which is what it would need anyway.
 */
final class EventStream {
  /** At most this many pages at once: each holds a thread. */
  static final int MAX_SUBSCRIBERS = 32;

  private static final int QUEUE = 10_000;
  private static final long KEEPALIVE_MS = 15_000;
  private static final String CLOSE = "";

  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;

  /** Sends one event to every page; {@code data} is one line of JSON. */
  void publish(String event, String data) {
    String frame = "event: " + event + "\ndata: " + data + "\n\n";
    for (Subscriber subscriber : subscribers) {
      subscriber.offer(frame);
    }
  }

  int subscribers() {
    return subscribers.size();
  }

  /**
   * Streams to {@code exchange} until the page goes away or the stream closes; {@code hello} is the
   * first event's data. Runs on the HTTP thread.
   */
  void serve(HttpExchange exchange, String hello) throws IOException {
    if (!open || subscribers.size() >= MAX_SUBSCRIBERS) {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
    exchange.sendResponseHeaders(200, 0);
    Subscriber subscriber = new Subscriber();
    subscribers.add(subscriber);
    try (OutputStream body = exchange.getResponseBody()) {
      // retry: how long the EventSource waits before it reconnects.
      write(body, "retry: 1000\n\nevent: hello\ndata: " + hello + "\n\n");
      while (open) {
        String frame = subscriber.queue.poll(KEEPALIVE_MS, TimeUnit.MILLISECONDS);
        if (frame == null) {
          write(body, ": keepalive\n\n"); // finds pages that went away
        } else if (frame == CLOSE || subscriber.overflowed) {
          break;
        } else {
          write(body, frame);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The page went away.
    } finally {
      subscribers.remove(subscriber);
      exchange.close();
    }
  }

  /** Ends every stream. */
  void close() {
    open = false;
    for (Subscriber subscriber : subscribers) {
      subscriber.queue.clear();
      subscriber.queue.offer(CLOSE);
    }
  }

  private static void write(OutputStream body, String text) throws IOException {
    body.write(text.getBytes(StandardCharsets.UTF_8));
    body.flush();
  }

  private static final class Subscriber {
    final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    volatile boolean overflowed;

    void offer(String frame) {
      if (!queue.offer(frame)) {
        overflowed = true;
        queue.clear();
        queue.offer(CLOSE);
      }
    }
  }
}
