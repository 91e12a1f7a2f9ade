// The worker's reports to the lab: one JSON object per line on stdout, the shapes of FromWorker in src/workload/worker-protocol.ts.
import java.util.List;
import java.util.Map;

final class Reports {
  private Reports() {}

  /** Writes {"type": type, key: value, ...} from alternating keys and values (String, Number, Boolean, List, Map). */
  static void send(String type, Object... fields) {
    StringBuilder out = new StringBuilder("{\"type\":").append(json(type));
    for (int i = 0; i < fields.length; i += 2) out.append(',').append(json(fields[i])).append(':').append(json(fields[i + 1]));
    out.append('}');
    synchronized (System.out) {
      System.out.println(out);
      System.out.flush();
    }
  }

  static String describe(Throwable error) {
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  private static String json(Object value) {
    if (value == null) return "null";
    if (value instanceof Number || value instanceof Boolean) return value.toString();
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) out.append(i > 0 ? "," : "").append(json(list.get(i)));
      return out.append(']').toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<?, ?> e : map.entrySet()) out.append(out.length() > 1 ? "," : "").append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
      return out.append('}').toString();
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toString().toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
