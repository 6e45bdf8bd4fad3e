"""The staff insights page: summary tables built from the bot's database, served by Datasette."""
