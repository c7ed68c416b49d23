module example.com/pure

go 1.19

require golang.org/x/text v0.14.0

replace github.com/mattn/go-sqlite3 => example.com/fork v1.0.0
