// The lab's messages on stdin: {"type":"stop"} asks for a graceful end, {"type":"go"} wakes a stalled worker; stdin closing
// (the lab is gone, even SIGKILLed) halts the JVM at once, so no worker outlives its lab.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

final class LabLink {
  private volatile boolean stopRequested;
  private final CountDownLatch go = new CountDownLatch(1);

  private LabLink() {}

  static LabLink listen() {
    LabLink link = new LabLink();
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.contains("\"stop\"")) link.stopRequested = true;
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

  /** Blocks until the lab says go (after it SIGCONTs a stalled worker). */
  void awaitGo() throws InterruptedException {
    go.await();
  }
}
