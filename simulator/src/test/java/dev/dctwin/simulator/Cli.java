package dev.dctwin.simulator;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the simulator's command line in-process and keeps what it printed. */
final class Cli {
  final int exitCode;
  final String out;
  final String err;

  private Cli(int exitCode, String out, String err) {
    this.exitCode = exitCode;
    this.out = out;
    this.err = err;
  }

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Cli(code, out.toString(), err.toString());
  }

  /** The last non-empty line of the output. */
  String lastLine() {
    String[] lines = out.strip().split("\\R");
    return lines[lines.length - 1];
  }
}
