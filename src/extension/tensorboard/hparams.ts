// The hparams plugin's records (tensorboard/plugins/hparams/plugin_data.proto), as the event decoder
// (events.ts) meets them in a summary value's metadata.
import { WireType, type ProtoReader } from './protobuf';
import type { HParamValue } from '../../shared/protocol/tensorboard';

/** What the hparams plugin's `HParamsPluginData` (tensorboard/plugins/hparams/plugin_data.proto) says. */
export type HParamsData =
  /** `session_start_info`: the hyperparameters of the run whose folder holds it. */
  | { readonly kind: 'session'; readonly hparams: Readonly<Record<string, HParamValue>> }
  /** `experiment`: the metrics the experiment compares runs by (their tags), in its order. */
  | { readonly kind: 'experiment'; readonly metrics: readonly string[] };

export const HPARAMS_PLUGIN = 'hparams';

/** `SummaryMetadata.plugin_data.content` (field 1 → 2) read as `HParamsPluginData`, when it is one of ours. */
export function hparamsData(metadata: ProtoReader): HParamsData | undefined {
  let data: HParamsData | undefined;
  while (metadata.pos < metadata.end) {
    const key = metadata.key();
    if (key !== ((1 << 3) | WireType.LengthDelimited)) {
      metadata.skip(key & 7);
      continue;
    }
    const pluginData = metadata.message();
    while (pluginData.pos < pluginData.end) {
      const k = pluginData.key();
      if (k !== ((2 << 3) | WireType.LengthDelimited)) {
        pluginData.skip(k & 7);
        continue;
      }
      const content = pluginData.message();
      while (content.pos < content.end) {
        const c = content.key();
        if (c === ((2 << 3) | WireType.LengthDelimited)) data = experimentOf(content.message());
        else if (c === ((3 << 3) | WireType.LengthDelimited)) data = sessionOf(content.message());
        else content.skip(c & 7);
      }
    }
  }
  return data;
}

/** `SessionStartInfo.hparams` (field 1): map entries of key 1 and a `google.protobuf.Value` 2. */
function sessionOf(info: ProtoReader): HParamsData {
  const hparams: Record<string, HParamValue> = {};
  while (info.pos < info.end) {
    const key = info.key();
    if (key !== ((1 << 3) | WireType.LengthDelimited)) {
      info.skip(key & 7);
      continue;
    }
    const entry = info.message();
    let name = '';
    let value: HParamValue | undefined;
    while (entry.pos < entry.end) {
      const k = entry.key();
      if (k === ((1 << 3) | WireType.LengthDelimited)) name = entry.string();
      else if (k === ((2 << 3) | WireType.LengthDelimited)) {
        // Value: number_value 2 (double), string_value 3, bool_value 4; null, struct and list are skipped.
        const v = entry.message();
        while (v.pos < v.end) {
          const vk = v.key();
          if (vk === ((2 << 3) | WireType.Fixed64)) value = v.double();
          else if (vk === ((3 << 3) | WireType.LengthDelimited)) value = v.string();
          else if (vk === ((4 << 3) | WireType.Varint)) value = v.uint32() !== 0;
          else v.skip(vk & 7);
        }
      } else entry.skip(k & 7);
    }
    if (name && value !== undefined) hparams[name] = value;
  }
  return { kind: 'session', hparams };
}

/** `Experiment.metric_infos` (field 5) → `MetricInfo.name` (1) → `MetricName.tag` (2). */
function experimentOf(experiment: ProtoReader): HParamsData {
  const metrics: string[] = [];
  while (experiment.pos < experiment.end) {
    const key = experiment.key();
    if (key !== ((5 << 3) | WireType.LengthDelimited)) {
      experiment.skip(key & 7);
      continue;
    }
    const info = experiment.message();
    while (info.pos < info.end) {
      const k = info.key();
      if (k !== ((1 << 3) | WireType.LengthDelimited)) {
        info.skip(k & 7);
        continue;
      }
      const name = info.message();
      while (name.pos < name.end) {
        const nk = name.key();
        if (nk === ((2 << 3) | WireType.LengthDelimited)) metrics.push(name.string());
        else name.skip(nk & 7);
      }
    }
  }
  return { kind: 'experiment', metrics };
}
