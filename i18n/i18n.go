// Package i18n holds every text people read, in Simplified Chinese first
// and English second: the pages' words, the texts of refusals and of
// timeline events, looked up by key or code, never by matching a message.
// It is shared by the pages, the API (whose English problem details come
// from here) and the workflows (which write an event's English detail
// beside its type and parameters), and depends on nothing of the project.
package i18n

import (
	"strings"
	"time"
)

// The languages.
const (
	ZH = "zh"
	EN = "en"
)

var ui = map[string]map[string]string{ZH: zhUI, EN: enUI}

// T is the text of a key in a language. A key built from data (a status
// or event type the pages do not know yet) falls back to Chinese and then
// to the raw value after its last dot, never to nothing.
func T(lang, key string) string {
	if s, ok := ui[lang][key]; ok {
		return s
	}
	if s, ok := zhUI[key]; ok {
		return s
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// Has says whether a language has its own text for a key.
func Has(lang, key string) bool {
	_, ok := ui[lang][key]
	return ok
}

// Keys lists the pages' keys of a language, for completeness checks.
func Keys(lang string) []string {
	out := make([]string, 0, len(ui[lang]))
	for k := range ui[lang] {
		out = append(out, k)
	}
	return out
}

// Options say how parameters are shown.
type Options struct {
	Lang string
	// Loc shows times in the township's zone; nil leaves them as RFC 3339.
	Loc *time.Location
	// Names replaces ids (of deputies, units) with names.
	Names map[string]string
	// Raw keeps values as they are sent (codes, ids, RFC 3339 in UTC), as
	// the API's English details say them; only phrases are looked up.
	Raw bool
}

// Raw is how the API says things: English, values untouched.
var Raw = Options{Lang: EN, Raw: true}

// For is the display options of a language in a zone.
func For(lang string, loc *time.Location) Options { return Options{Lang: lang, Loc: loc} }

// labels say which parameters are codes with a text of their own, and the
// key prefix of that text. Phrases (actions, objects) are looked up even in
// raw mode, since their code is not English prose.
var labels = map[string]string{
	"status": "status.", "class": "class.", "method": "method.", "attitude": "rating.", "result": "rating.",
	"meeting_reason": "mreason.", "return_category": "rc.", "role": "role.",
	"on_time": "ontime.", "channel": "channel.", "attach_step": "attach.step.",
}

// durations are parameters holding a policy duration (P7D, 7wd).
var durations = map[string]bool{"ahead": true, "max_duration": true, "duration": true, "left": true, "within": true}

var phrases = map[string]string{"action": "action.", "object": "object."}

// Format fills a template's {name} placeholders from params. A part in
// [brackets] is kept only when every placeholder in it has a value.
func Format(o Options, template string, params map[string]string) string {
	var b strings.Builder
	for template != "" {
		i := strings.IndexAny(template, "[{")
		if i < 0 {
			b.WriteString(template)
			break
		}
		b.WriteString(template[:i])
		template = template[i:]
		if template[0] == '[' {
			j := strings.IndexByte(template, ']')
			if j < 0 {
				b.WriteString(template)
				break
			}
			part := template[1:j]
			template = template[j+1:]
			if allSet(part, params) {
				b.WriteString(Format(o, part, params))
			}
			continue
		}
		j := strings.IndexByte(template, '}')
		if j < 0 {
			b.WriteString(template)
			break
		}
		name := template[1:j]
		b.WriteString(value(o, name, params[name]))
		template = template[j+1:]
	}
	return b.String()
}

// allSet says whether every placeholder in a part has a value.
func allSet(part string, params map[string]string) bool {
	for {
		i := strings.IndexByte(part, '{')
		if i < 0 {
			return true
		}
		j := strings.IndexByte(part[i:], '}')
		if j < 0 {
			return true
		}
		if params[part[i+1:i+j]] == "" {
			return false
		}
		part = part[i+j+1:]
	}
}

func value(o Options, name, v string) string {
	if prefix, ok := phrases[name]; ok {
		return T(o.Lang, prefix+v)
	}
	if o.Raw || v == "" {
		return v
	}
	if prefix, ok := labels[name]; ok {
		return T(o.Lang, prefix+v)
	}
	if durations[name] {
		return Duration(o.Lang, v)
	}
	if strings.HasSuffix(name, "_ids") {
		// A list of ids, shown as names.
		parts := strings.Split(v, ", ")
		for i, p := range parts {
			parts[i] = value(o, "id", p)
		}
		return strings.Join(parts, T(o.Lang, "list.sep"))
	}
	if n, ok := o.Names[v]; ok {
		return n
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil && o.Loc != nil && len(v) >= 20 {
		return t.In(o.Loc).Format("2006-01-02 15:04")
	}
	return v
}

// Refusal is the text of a refusal code.
func Refusal(o Options, code string, params map[string]string) string {
	t, ok := refusals[code]
	if !ok {
		return code
	}
	return Format(o, t.pick(o.Lang), params)
}

// HasRefusal says whether a code has both its texts.
func HasRefusal(code string) bool {
	t, ok := refusals[code]
	return ok && t.zh != "" && t.en != ""
}

// Event is the text of a timeline event's type with its parameters; empty
// for a type without a text (the page shows its label alone).
func Event(o Options, typ string, params map[string]string) string {
	t, ok := events[typ+"."+params["as"]]
	if !ok {
		if t, ok = events[typ]; !ok {
			return ""
		}
	}
	return Format(o, t.pick(o.Lang), params)
}

// EventComplete says whether an event's parameters fill its text: every
// placeholder outside the optional [parts] has a value.
func EventComplete(typ string, params map[string]string) bool {
	t, ok := events[typ+"."+params["as"]]
	if !ok {
		if t, ok = events[typ]; !ok {
			return false
		}
	}
	text := t.en
	for {
		i := strings.IndexByte(text, '[')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], ']')
		if j < 0 {
			break
		}
		text = text[:i] + text[i+j+1:]
	}
	return allSet(text, params)
}

// EventTypes lists the event types with texts, for completeness checks.
func EventTypes() []string {
	out := make([]string, 0, len(events))
	for k := range events {
		out = append(out, k)
	}
	return out
}

// HasEvent says whether an event type has both its texts.
func HasEvent(typ string) bool {
	t, ok := events[typ]
	return ok && t.zh != "" && t.en != ""
}

type pair struct{ zh, en string }

func (p pair) pick(lang string) string {
	if lang == EN {
		return p.en
	}
	return p.zh
}
