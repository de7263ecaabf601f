package i18n

// warnings are the texts of the warnings an answer may carry beside its
// result (a deadline computed across a year without official holiday
// data), by code. The English is what the API says in `warnings`.
var warnings = map[string]pair{
	"no_holiday_data": {"{year} 年尚无官方节假日安排，该年按周一至周五计算工作日；国务院办公厅公布当年安排后，请在工作日历中录入",
		"no official holiday schedule for {year}: Monday to Friday counted as working days in that year; load the State Council's schedule once it is published"},
}

// Warning is the text of a warning code with its parameters; the code
// itself for a code without a text.
func Warning(o Options, code string, params map[string]string) string {
	t, ok := warnings[code]
	if !ok {
		return code
	}
	return Format(o, t.pick(o.Lang), params)
}

// HasWarning says whether a warning code has both its texts.
func HasWarning(code string) bool {
	t, ok := warnings[code]
	return ok && t.zh != "" && t.en != ""
}
