import { useMemo } from "preact/hooks";
import { timezoneGroups } from "../lib/timezones";

export function TimezoneSelect(props: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
  disabled?: boolean;
  invalid?: boolean;
}) {
  const groups = useMemo(() => timezoneGroups([props.value]), [props.value]);
  return (
    <select
      id={props.id}
      value={props.value}
      disabled={props.disabled}
      aria-invalid={props.invalid}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      {groups.map((g) => (
        <optgroup label={g.region} key={g.region}>
          {g.zones.map((z) => (
            <option value={z.id} key={z.id}>
              {z.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
