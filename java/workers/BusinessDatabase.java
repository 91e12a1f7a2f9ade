// The business database over JDBC, SQLite or PostgreSQL: the same tables and transactions as src/workload/sinks/.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

final class BusinessDatabase implements AutoCloseable {
  private final Connection db;
  private final boolean sqlite;

  private BusinessDatabase(Connection db, boolean sqlite) {
    this.db = db;
    this.sqlite = sqlite;
  }

  /** `url`: jdbc:sqlite:<file> or jdbc:postgresql://...; PostgreSQL also takes a user, a password and the variant's schema. */
  static BusinessDatabase open(String url, String user, String password, String schema) throws SQLException {
    Properties props = new Properties();
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    if (sqlite) {
      // A busy timeout and WAL, as the Node sink; BEGIN IMMEDIATE per transaction (begin()): a unique check and the
      // writes after it cannot interleave with another worker's, and two workers may write at the same time.
      props.setProperty("busy_timeout", "5000");
      props.setProperty("journal_mode", "WAL");
    } else {
      if (!user.isEmpty()) props.setProperty("user", user);
      if (!password.isEmpty()) props.setProperty("password", password);
      props.setProperty("currentSchema", schema);
      props.setProperty("connectTimeout", "5");
    }
    Connection db = DriverManager.getConnection(url, props);
    // sqlite-jdbc begins the next transaction as soon as one commits when auto-commit is off: with IMMEDIATE it would
    // hold the write lock between transactions, and a SIGSTOPped worker (zombie) would lock every other one out. So
    // SQLite stays in auto-commit and each transaction says BEGIN IMMEDIATE itself; pgjdbc begins on the first statement.
    db.setAutoCommit(sqlite);
    return new BusinessDatabase(db, sqlite);
  }

  /**
   * The business write: an applied_orders row and the amount added to the balance, in one transaction. With
   * `processedRow`, a processed_messages row in the SAME transaction; an existing one makes it a no-op.
   */
  String apply(Order order, String worker, boolean processedRow) throws SQLException {
    return write(order, worker, processedRow, null);
  }

  /**
   * The outbox write: the processed row, the business row, the balance and an outbox row holding the event, in ONE
   * transaction; an existing processed row makes it a no-op. A relay publishes the outbox (src/processes/outbox-relay.ts).
   */
  String applyWithOutbox(Order order, String worker, String event) throws SQLException {
    return write(order, worker, true, event);
  }

  /** applyTx of src/workload/sinks/sqlite-sink.ts: `event` null for no outbox row. */
  private synchronized String write(Order order, String worker, boolean processedRow, String event) throws SQLException {
    begin();
    try {
      if (processedRow && update("INSERT INTO processed_messages (message_id) VALUES (?) ON CONFLICT DO NOTHING", order.id()) == 0) {
        commit();
        return "already-processed";
      }
      update("INSERT INTO applied_orders (message_id, order_id, amount, worker) VALUES (?, ?, ?, ?)", order.id(), order.orderId(), order.amount(), worker);
      update("UPDATE account SET balance = balance + ? WHERE id = 1", order.amount());
      if (event != null) update("INSERT INTO outbox (message_id, event) VALUES (?, ?)", order.id(), event);
      commit();
      return "applied";
    } catch (SQLException e) {
      rollback();
      throw e;
    }
  }

  /** Dedup window: was this id among the most recent ones recorded? */
  synchronized boolean recentlySeen(String id) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("SELECT 1 FROM recent_ids WHERE message_id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        boolean seen = r.next();
        if (!sqlite) db.commit(); // ends pgjdbc's implicit transaction; SQLite's read was its own
        return seen;
      }
    }
  }

  /** Dedup window: record the id in its own transaction, keeping only the newest `window` ids. */
  synchronized void remember(String id, int window) throws SQLException {
    begin();
    try {
      if (sqlite) update("INSERT INTO recent_ids (message_id, n) VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 FROM recent_ids)) ON CONFLICT DO NOTHING", id);
      else update("INSERT INTO recent_ids (message_id) VALUES (?) ON CONFLICT DO NOTHING", id);
      update("DELETE FROM recent_ids WHERE n <= (SELECT MAX(n) FROM recent_ids) - ?", window);
      commit();
    } catch (SQLException e) {
      rollback();
      throw e;
    }
  }

  /** SQLite: BEGIN IMMEDIATE takes the write lock now (see open()). PostgreSQL: pgjdbc begins on the first statement. */
  private void begin() throws SQLException {
    if (sqlite) execute("BEGIN IMMEDIATE");
  }

  private void commit() throws SQLException {
    if (sqlite) execute("COMMIT");
    else db.commit();
  }

  private void rollback() throws SQLException {
    if (!sqlite) {
      db.rollback();
      return;
    }
    try {
      execute("ROLLBACK");
    } catch (SQLException alreadyEnded) {
      // Some errors end SQLite's transaction by themselves; the caller rethrows the error that matters.
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }

  private int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) s.setObject(i + 1, params[i]);
      return s.executeUpdate();
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    db.close();
  }
}
