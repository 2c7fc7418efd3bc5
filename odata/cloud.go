package odata

import (
	"fmt"
	"strings"
)

// GlobalCloud is the name of Microsoft's worldwide commercial cloud, the
// one a client is in unless WithCloud says otherwise. The names are those
// of the root package's clouds (autodiscover.Cloud's Name): "global",
// "usgov-l4" (GCC High), "usgov-l5" (DoD) and "china" (21Vianet).
const GlobalCloud = "global"

// WithCloud names the Microsoft cloud whose Graph the client speaks to.
// Microsoft documents some Graph operations as unavailable in national
// clouds (a message's permanentDelete, Inbox rules in the China cloud):
// the services ask Cloud and refuse them there before any request. The
// root package passes its cloud's name. An empty name means GlobalCloud.
func WithCloud(name string) ClientOption {
	return func(c *Client) error {
		name = strings.ToLower(strings.TrimSpace(name))
		if strings.ContainsAny(name, " /\x00") {
			return fmt.Errorf("odata: WithCloud: %q is not a cloud name", name)
		}
		c.cloud = name
		return nil
	}
}

// Cloud returns the name of the Microsoft cloud the client is in
// (GlobalCloud unless WithCloud named another). It matters for Graph
// only: an on-premises server belongs to no cloud.
func (c *Client) Cloud() string {
	if c.cloud == "" {
		return GlobalCloud
	}
	return c.cloud
}
