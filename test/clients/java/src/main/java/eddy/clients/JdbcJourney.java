/*
 * The client journey with the PostgreSQL JDBC driver (pgjdbc) against an Eddy server, run by
 * test/clients/jdbc-journey.test.ts. Usage: JdbcJourney JDBC_URL. Prints one JSON object per
 * observation ({"step": ...}); the Node.js wrapper holds the expected values. A failing call that
 * was not expected ends the run with the step it was in and the server's SQLSTATE and message.
 */
package eddy.clients;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

public final class JdbcJourney {
  private static String step = "connect";

  public static void main(String[] args) throws Exception {
    try {
      run(args[0]);
    } catch (SQLException e) {
      report("failed", "in", str(step), "sqlstate", str(e.getSQLState()), "message", str(e.getMessage()));
      System.exit(1);
    }
  }

  private static void run(String url) throws SQLException {
    try (Connection app = DriverManager.getConnection(url, "eddy", "");
        Connection follower = DriverManager.getConnection(url, "eddy", "")) {
      DatabaseMetaData meta = app.getMetaData();
      report("version", "driver", str(meta.getDriverVersion()), "server", str(meta.getDatabaseProductVersion()));

      step = "create and insert";
      try (Statement s = app.createStatement()) {
        s.execute("CREATE TABLE orders (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2))");
      }
      try (PreparedStatement insert = app.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
        addOrder(insert, 1, "east", "10.50");
        addOrder(insert, 2, "west", "20");
        addOrder(insert, 3, "east", "5");
        int total = 0;
        for (int n : insert.executeBatch()) total += n;
        report("insert", "rows", String.valueOf(total));
      }
      try (Statement s = app.createStatement()) {
        s.execute("CREATE MATERIALIZED VIEW revenue AS"
            + " SELECT region, sum(amount) AS total, count(*) AS orders FROM orders GROUP BY region");
      }

      step = "select with a parameter";
      try (PreparedStatement byRegion =
          app.prepareStatement("SELECT total, orders FROM revenue WHERE region = ?")) {
        // Past prepareThreshold (5) pgjdbc switches to a named server-side statement and binary results.
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          byRegion.setString(1, i % 2 == 0 ? "east" : "west");
          try (ResultSet rs = byRegion.executeQuery()) {
            if (i == 0) report("columns", "columns", columns(rs.getMetaData()));
            while (rs.next()) seen.add(rs.getBigDecimal("total").toPlainString() + " " + rs.getLong("orders"));
          }
        }
        report("select", "rows", strs(seen));
      }

      step = "DatabaseMetaData.getTables";
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, "public", "%", null)) {
        while (rs.next()) tables.add(rs.getString("TABLE_NAME") + " " + rs.getString("TABLE_TYPE"));
      }
      report("tables", "tables", strs(tables));

      step = "DatabaseMetaData.getColumns";
      List<String> cols = new ArrayList<>();
      try (ResultSet rs = meta.getColumns(null, "public", "orders", "%")) {
        while (rs.next()) {
          cols.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("DATA_TYPE")
              + " " + rs.getInt("COLUMN_SIZE") + " " + rs.getString("IS_NULLABLE"));
        }
      }
      report("columns of orders", "columns", strs(cols));

      step = "a change through a cursor";
      follower.setAutoCommit(false);
      try (Statement s = follower.createStatement()) {
        s.execute("DECLARE changes CURSOR FOR SUBSCRIBE revenue WITH (snapshot = false)");
        try (PreparedStatement insert = app.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
          insert.setInt(1, 4);
          insert.setString(2, "west");
          insert.setBigDecimal(3, new BigDecimal("1"));
          insert.executeUpdate();
        }
        List<String> changes = new ArrayList<>();
        while (changes.size() < 2) {
          try (ResultSet rs = s.executeQuery("FETCH " + (2 - changes.size()) + " changes")) {
            while (rs.next()) {
              changes.add(rs.getLong("eddy_step") + " " + rs.getBoolean("eddy_progressed") + " "
                  + rs.getLong("eddy_weight") + " " + rs.getString("region") + " "
                  + rs.getBigDecimal("total").toPlainString() + " " + rs.getLong("orders"));
            }
          }
        }
        report("change", "rows", strs(changes));
      }
      follower.commit();

      step = "errors";
      try (PreparedStatement insert = app.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
        addOrder(insert, 1, "north", "1");
        insert.executeUpdate();
        report("duplicate key", "sqlstate", "null");
      } catch (PSQLException e) {
        reportError("duplicate key", e);
      }
      try (PreparedStatement select = app.prepareStatement("SELECT total FROM nowhere WHERE region = ?")) {
        select.setString(1, "east");
        select.executeQuery().close();
        report("undefined table", "sqlstate", "null");
      } catch (PSQLException e) {
        reportError("undefined table", e);
      }
      report("done");
    }
  }

  private static void addOrder(PreparedStatement insert, int id, String region, String amount)
      throws SQLException {
    insert.setInt(1, id);
    insert.setString(2, region);
    insert.setBigDecimal(3, new BigDecimal(amount));
    insert.addBatch();
  }

  private static String columns(ResultSetMetaData md) throws SQLException {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      out.add(md.getColumnName(i) + " " + md.getColumnTypeName(i) + " " + md.getColumnType(i));
    }
    return strs(out);
  }

  private static void reportError(String name, PSQLException e) {
    ServerErrorMessage m = e.getServerErrorMessage();
    report(name, "sqlstate", str(e.getSQLState()), "message", str(m == null ? null : m.getMessage()),
        "detail", str(m == null ? null : m.getDetail()), "position", String.valueOf(m == null ? 0 : m.getPosition()));
  }

  /** One JSON line: the step and key/value pairs whose values are already JSON. */
  private static void report(String name, String... pairs) {
    StringBuilder b = new StringBuilder("{\"step\":").append(str(name));
    for (int i = 0; i < pairs.length; i += 2) b.append(',').append(str(pairs[i])).append(':').append(pairs[i + 1]);
    System.out.println(b.append('}'));
    System.out.flush();
  }

  private static String strs(List<String> values) {
    List<String> quoted = new ArrayList<>();
    for (String v : values) quoted.add(str(v));
    return "[" + String.join(",", quoted) + "]";
  }

  private static String str(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
