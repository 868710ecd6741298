package io.centraal.jobs;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines while a pipeline runs: stage, what, rows in/out, seconds. */
final class Progress {
  private final PrintStream out;

  Progress(PrintStream out) {
    this.out = out;
  }

  void step(String stage, String what, long rowsIn, long rowsOut, long quarantined, double seconds) {
    out.println(String.format(Locale.ROOT, "[%-8s] %-16s in %,12d  out %,12d%s  %7.1f s", stage, what, rowsIn,
        rowsOut, quarantined > 0 ? String.format(Locale.ROOT, "  quarantined %,d", quarantined) : "", seconds));
    out.flush();
  }

  void info(String line) {
    out.println(line);
    out.flush();
  }
}
