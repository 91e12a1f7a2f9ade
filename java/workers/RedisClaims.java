// Redis SET NX claims per order id, over a plain socket speaking RESP (three commands need no client library).
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class RedisClaims implements AutoCloseable {
  private final Socket socket = new Socket();
  private final OutputStream out;
  private final InputStream in;
  private final String prefix;
  private final String workerId;

  RedisClaims(String host, int port, String password, int database, String prefix, String workerId) throws IOException {
    socket.connect(new InetSocketAddress(host, port), 3_000);
    socket.setSoTimeout(5_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
    this.prefix = prefix;
    this.workerId = workerId;
    if (!password.isEmpty()) command("AUTH", password);
    if (database != 0) command("SELECT", String.valueOf(database));
  }

  /** SET <prefix>:order:<order id> <worker> NX: true when this worker is the first to claim the order. */
  synchronized boolean claim(Order order) throws IOException {
    return "OK".equals(command("SET", key(order), workerId, "NX"));
  }

  /** Deletes the claims once the offset commit covers their orders. */
  synchronized void release(List<Order> orders) throws IOException {
    if (orders.isEmpty()) return;
    List<String> args = new ArrayList<>(List.of("DEL"));
    for (Order o : orders) args.add(key(o));
    command(args.toArray(new String[0]));
  }

  private String key(Order order) {
    return prefix + ":order:" + order.orderId();
  }

  /** Sends one command; returns a simple or bulk reply as text (null for a nil reply); an error reply throws. */
  private String command(String... args) throws IOException {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) request.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    out.write(request.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    String line = readLine();
    switch (line.charAt(0)) {
      case '+':
      case ':':
        return line.substring(1);
      case '-':
        throw new IOException("Redis: " + line.substring(1));
      case '$': {
        int length = Integer.parseInt(line.substring(1));
        if (length < 0) return null;
        byte[] data = in.readNBytes(length + 2);
        return new String(data, 0, length, StandardCharsets.UTF_8);
      }
      default:
        throw new IOException("Redis: unexpected reply " + line);
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) throw new IOException("Redis closed the connection");
      if (c != '\r') line.append((char) c);
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
