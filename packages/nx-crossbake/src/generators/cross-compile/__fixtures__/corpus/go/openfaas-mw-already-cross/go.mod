module handler

go 1.24.0
