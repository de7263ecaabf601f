package i18n

import (
	"regexp"
	"strconv"
	"strings"
)

var isoDuration = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

var durationUnits = map[string][7]string{
	ZH: {" 年", " 个月", " 周", " 天", " 小时", " 分钟", " 秒"},
	EN: {" years", " months", " weeks", " days", " hours", " minutes", " seconds"},
}

// Duration shows a policy duration (ISO 8601, or Nwd working days) in
// words; anything else is shown as it is.
func Duration(lang, v string) string {
	if n, ok := strings.CutSuffix(v, "wd"); ok {
		if _, err := strconv.Atoi(n); err == nil {
			if lang == EN {
				return n + " working days"
			}
			return n + " 个工作日"
		}
	}
	m := isoDuration.FindStringSubmatch(v)
	if m == nil || v == "P" || v == "PT" {
		return v
	}
	units := durationUnits[lang]
	if lang != EN {
		units = durationUnits[ZH]
	}
	var parts []string
	for i, n := range m[1:] {
		if n != "" && n != "0" {
			parts = append(parts, n+units[i])
		}
	}
	if len(parts) == 0 {
		return v
	}
	return strings.Join(parts, " ")
}
