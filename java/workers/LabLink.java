// The lab's messages on stdin: {"type":"stop"} asks for a graceful end, {"type":"go"} wakes a stalled worker; stdin closing
// (the lab is gone, even SIGKILLed) halts the JVM at once, so no running worker outlives its lab (a SIGSTOPped one
// notices only once it is continued, as a Node worker would).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

final class LabLink {
  private volatile boolean stopRequested;
  private final CountDownLatch go = new CountDownLatch(1);
  /** Set while the worker waits for nothing more (fenced): a stop then ends it from here, with this last report. */
  private volatile Runnable whenParked;

  private LabLink() {}

  static LabLink listen() {
    LabLink link = new LabLink();
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.contains("\"stop\"")) {
            link.stopRequested = true;
            Runnable last = link.whenParked;
            if (last != null) {
              last.run();
              System.exit(0);
            }
          }
          if (line.contains("\"go\"")) link.go.countDown();
        }
      } catch (Exception ignored) {
        // Same as the lab going away.
      }
      if (!link.stopRequested) Runtime.getRuntime().halt(1);
    }, "lab-link");
    t.setDaemon(true);
    t.start();
    return link;
  }

  boolean stopRequested() {
    return stopRequested;
  }

  /** Parks the calling thread for good; the lab's stop ends the JVM, after `lastReport`, as a graceful stop would. */
  void park(Runnable lastReport) throws InterruptedException {
    whenParked = lastReport;
    if (stopRequested) {
      lastReport.run();
      System.exit(0);
    }
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Blocks until the lab says go (after it SIGCONTs a stalled worker). */
  void awaitGo() throws InterruptedException {
    go.await();
  }
}
