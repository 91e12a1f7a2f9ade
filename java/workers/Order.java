// One lab order read from a record: its message id, order id and amount, and where it was read (partition, offset).
import java.util.regex.Matcher;
import java.util.regex.Pattern;

record Order(String id, String orderId, long amount, int partition, long offset) {
  // The lab writes flat JSON values whose strings hold no quotes or escapes (src/workload/messages.ts): a pattern reads them.
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]*)\"");
  private static final Pattern ORDER_ID = Pattern.compile("\"orderId\":\"([^\"]*)\"");
  private static final Pattern AMOUNT = Pattern.compile("\"amount\":(-?\\d+)");

  /** The order in a record value, or null for anything that is not one. */
  static Order parse(String value, int partition, long offset) {
    if (value == null) return null;
    String id = first(ID, value);
    String orderId = first(ORDER_ID, value);
    String amount = first(AMOUNT, value);
    if (id == null || orderId == null || amount == null) return null;
    return new Order(id, orderId, Long.parseLong(amount), partition, offset);
  }

  private static String first(Pattern pattern, String value) {
    Matcher m = pattern.matcher(value);
    return m.find() ? m.group(1) : null;
  }
}
