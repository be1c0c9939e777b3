"""Storage: tables, migrations, sessions and the queries Loa runs."""
