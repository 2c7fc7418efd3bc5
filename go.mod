module github.com/exchangekit/outlook

go 1.26
