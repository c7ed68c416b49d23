module github.com/imlonghao/bird2exporter

go 1.13

require github.com/labstack/echo/v4 v4.5.0
