// Package validation is the one validator of inputs: the `validate` tags
// of every input of the API and the pages, refused field by field.
package validation

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"suggestflow/refusal"
)

// validate checks the `validate` tags of every input, naming fields as
// their JSON does. A Validate is safe for concurrent use.
var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}()

// Check refuses an input whose fields break their tags, one field
// refusal each. Every input of the API and the pages goes through it.
func Check(in any) error {
	err := validate.Struct(in)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return refusal.OnField("body", refusal.Unreadable, "error", err.Error())
	}
	fields := make([]refusal.Field, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, fieldRefusal(fe))
	}
	return refusal.Fields(fields...)
}

func fieldRefusal(fe validator.FieldError) refusal.Field {
	name := fe.Namespace()
	if i := strings.Index(name, "."); i >= 0 {
		name = name[i+1:]
	}
	switch fe.Tag() {
	case "required":
		return refusal.FieldOf(name, refusal.Required)
	case "max":
		if fe.Kind() == reflect.Slice {
			return refusal.FieldOf(name, refusal.TooManyItems, "max", fe.Param())
		}
		return refusal.FieldOf(name, refusal.TooLong, "max", fe.Param())
	case "oneof":
		return refusal.FieldOf(name, refusal.OneOf, "values", strings.ReplaceAll(fe.Param(), " ", ", "))
	case "email":
		return refusal.FieldOf(name, refusal.Email)
	}
	return refusal.FieldOf(name, refusal.InvalidValue, "rule", fe.Tag())
}
