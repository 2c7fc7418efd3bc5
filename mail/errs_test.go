package mail_test

import (
	"errors"

	"github.com/exchangekit/outlook/odata"
)

func errorsAsOData(err error) (*odata.Error, bool) { return errors.AsType[*odata.Error](err) }
