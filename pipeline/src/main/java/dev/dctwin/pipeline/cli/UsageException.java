package dev.dctwin.pipeline.cli;

/** Bad command-line input: reported as one line and exit code 2, never as a stack trace. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
