package codec

import (
	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

type commonpbPayload = commonpb.Payload

func marshalPayloads(p []*commonpb.Payload) ([]byte, error) {
	return protojson.Marshal(&commonpb.Payloads{Payloads: p})
}
