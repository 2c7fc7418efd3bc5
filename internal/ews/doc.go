// Package ews serves the SDK's mailbox requests through Exchange Web
// Services, the SOAP API that on-premises Exchange (2016, 2019,
// Subscription Edition) serves at https://<host>/EWS/Exchange.asmx.
//
// It is a backend of package odata: the services (mail, calendar,
// contacts) build their requests in Graph terms as for any mailbox, and
// the odata client hands those requests to a Backend from this package,
// which calls EWS operations and answers in Graph JSON, so the models are
// decoded as they are from Microsoft Graph. The conversion between Graph
// JSON and EWS XML is driven by the models' wire tables (odata.Schema);
// this package owns the envelope, the XML reader and writer, the shapes of
// EWS's complex types, the element order EWS requires, and the mapping of
// EWS outcomes to *odata.Error.
package ews
