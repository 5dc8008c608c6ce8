/**
 * @module catalog/system/builtin-types
 * PostgreSQL 15's pg_type facts for the built-in types Eddy presents: Eddy's own types, their
 * arrays, and the system and pseudo-types catalog columns and signatures mention. Parsed once.
 */

/** oid|typname|format_type|typlen|typbyval|typtype|typcategory|typispreferred|typelem|typarray|typalign|typstorage|typcollation|typinput:oid|typoutput:oid|typreceive:oid|typsend:oid */
const table = `
16|bool|boolean|1|t|b|B|t|0|1000|c|p|0|boolin:1242|boolout:1243|boolrecv:2436|boolsend:2437
17|bytea|bytea|-1|f|b|U|f|0|1001|i|x|0|byteain:1244|byteaout:31|bytearecv:2412|byteasend:2413
18|char|"char"|1|t|b|Z|f|0|1002|c|p|0|charin:1245|charout:33|charrecv:2434|charsend:2435
19|name|name|64|f|b|S|f|18|1003|c|p|950|namein:34|nameout:35|namerecv:2422|namesend:2423
20|int8|bigint|8|t|b|N|f|0|1016|d|p|0|int8in:460|int8out:461|int8recv:2408|int8send:2409
21|int2|smallint|2|t|b|N|f|0|1005|s|p|0|int2in:38|int2out:39|int2recv:2404|int2send:2405
22|int2vector|int2vector|-1|f|b|A|f|21|1006|i|p|0|int2vectorin:40|int2vectorout:41|int2vectorrecv:2410|int2vectorsend:2411
23|int4|integer|4|t|b|N|f|0|1007|i|p|0|int4in:42|int4out:43|int4recv:2406|int4send:2407
24|regproc|regproc|4|t|b|N|f|0|1008|i|p|0|regprocin:44|regprocout:45|regprocrecv:2444|regprocsend:2445
25|text|text|-1|f|b|S|t|0|1009|i|x|100|textin:46|textout:47|textrecv:2414|textsend:2415
26|oid|oid|4|t|b|N|t|0|1028|i|p|0|oidin:1798|oidout:1799|oidrecv:2418|oidsend:2419
27|tid|tid|6|f|b|U|f|0|1010|s|p|0|tidin:48|tidout:49|tidrecv:2438|tidsend:2439
28|xid|xid|4|t|b|U|f|0|1011|i|p|0|xidin:50|xidout:51|xidrecv:2440|xidsend:2441
29|cid|cid|4|t|b|U|f|0|1012|i|p|0|cidin:52|cidout:53|cidrecv:2442|cidsend:2443
30|oidvector|oidvector|-1|f|b|A|f|26|1013|i|p|0|oidvectorin:54|oidvectorout:55|oidvectorrecv:2420|oidvectorsend:2421
114|json|json|-1|f|b|U|f|0|199|i|x|0|json_in:321|json_out:322|json_recv:323|json_send:324
194|pg_node_tree|pg_node_tree|-1|f|b|Z|f|0|0|i|x|100|pg_node_tree_in:195|pg_node_tree_out:196|pg_node_tree_recv:197|pg_node_tree_send:198
199|_json|json[]|-1|f|b|A|f|114|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
700|float4|real|4|t|b|N|f|0|1021|i|p|0|float4in:200|float4out:201|float4recv:2424|float4send:2425
701|float8|double precision|8|t|b|N|t|0|1022|d|p|0|float8in:214|float8out:215|float8recv:2426|float8send:2427
705|unknown|unknown|-2|f|p|X|f|0|0|c|p|0|unknownin:109|unknownout:110|unknownrecv:2416|unknownsend:2417
869|inet|inet|-1|f|b|I|t|0|1041|i|m|0|inet_in:910|inet_out:911|inet_recv:2496|inet_send:2497
1000|_bool|boolean[]|-1|f|b|A|f|16|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1001|_bytea|bytea[]|-1|f|b|A|f|17|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1002|_char|"char"[]|-1|f|b|A|f|18|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1003|_name|name[]|-1|f|b|A|f|19|0|i|x|950|array_in:750|array_out:751|array_recv:2400|array_send:2401
1005|_int2|smallint[]|-1|f|b|A|f|21|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1006|_int2vector|int2vector[]|-1|f|b|A|f|22|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1007|_int4|integer[]|-1|f|b|A|f|23|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1008|_regproc|regproc[]|-1|f|b|A|f|24|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1009|_text|text[]|-1|f|b|A|f|25|0|i|x|100|array_in:750|array_out:751|array_recv:2400|array_send:2401
1010|_tid|tid[]|-1|f|b|A|f|27|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1011|_xid|xid[]|-1|f|b|A|f|28|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1012|_cid|cid[]|-1|f|b|A|f|29|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1013|_oidvector|oidvector[]|-1|f|b|A|f|30|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1014|_bpchar|character[]|-1|f|b|A|f|1042|0|i|x|100|array_in:750|array_out:751|array_recv:2400|array_send:2401
1015|_varchar|character varying[]|-1|f|b|A|f|1043|0|i|x|100|array_in:750|array_out:751|array_recv:2400|array_send:2401
1016|_int8|bigint[]|-1|f|b|A|f|20|0|d|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1021|_float4|real[]|-1|f|b|A|f|700|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1022|_float8|double precision[]|-1|f|b|A|f|701|0|d|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1028|_oid|oid[]|-1|f|b|A|f|26|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1033|aclitem|aclitem|12|f|b|U|f|0|1034|i|p|0|aclitemin:1031|aclitemout:1032|-|-
1034|_aclitem|aclitem[]|-1|f|b|A|f|1033|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1041|_inet|inet[]|-1|f|b|A|f|869|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1042|bpchar|character|-1|f|b|S|f|0|1014|i|x|100|bpcharin:1044|bpcharout:1045|bpcharrecv:2430|bpcharsend:2431
1043|varchar|character varying|-1|f|b|S|f|0|1015|i|x|100|varcharin:1046|varcharout:1047|varcharrecv:2432|varcharsend:2433
1082|date|date|4|t|b|D|f|0|1182|i|p|0|date_in:1084|date_out:1085|date_recv:2468|date_send:2469
1083|time|time without time zone|8|t|b|D|f|0|1183|d|p|0|time_in:1143|time_out:1144|time_recv:2470|time_send:2471
1114|timestamp|timestamp without time zone|8|t|b|D|f|0|1115|d|p|0|timestamp_in:1312|timestamp_out:1313|timestamp_recv:2474|timestamp_send:2475
1115|_timestamp|timestamp without time zone[]|-1|f|b|A|f|1114|0|d|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1182|_date|date[]|-1|f|b|A|f|1082|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1183|_time|time without time zone[]|-1|f|b|A|f|1083|0|d|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1184|timestamptz|timestamp with time zone|8|t|b|D|t|0|1185|d|p|0|timestamptz_in:1150|timestamptz_out:1151|timestamptz_recv:2476|timestamptz_send:2477
1185|_timestamptz|timestamp with time zone[]|-1|f|b|A|f|1184|0|d|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1186|interval|interval|16|f|b|T|t|0|1187|d|p|0|interval_in:1160|interval_out:1161|interval_recv:2478|interval_send:2479
1187|_interval|interval[]|-1|f|b|A|f|1186|0|d|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1231|_numeric|numeric[]|-1|f|b|A|f|1700|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1263|_cstring|cstring[]|-1|f|b|A|f|2275|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
1700|numeric|numeric|-1|f|b|N|f|0|1231|i|m|0|numeric_in:1701|numeric_out:1702|numeric_recv:2460|numeric_send:2461
2202|regprocedure|regprocedure|4|t|b|N|f|0|2207|i|p|0|regprocedurein:2212|regprocedureout:2213|regprocedurerecv:2446|regproceduresend:2447
2203|regoper|regoper|4|t|b|N|f|0|2208|i|p|0|regoperin:2214|regoperout:2215|regoperrecv:2448|regopersend:2449
2205|regclass|regclass|4|t|b|N|f|0|2210|i|p|0|regclassin:2218|regclassout:2219|regclassrecv:2452|regclasssend:2453
2206|regtype|regtype|4|t|b|N|f|0|2211|i|p|0|regtypein:2220|regtypeout:2221|regtyperecv:2454|regtypesend:2455
2207|_regprocedure|regprocedure[]|-1|f|b|A|f|2202|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
2208|_regoper|regoper[]|-1|f|b|A|f|2203|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
2210|_regclass|regclass[]|-1|f|b|A|f|2205|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
2211|_regtype|regtype[]|-1|f|b|A|f|2206|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
2249|record|record|-1|f|p|P|f|0|2287|d|x|0|record_in:2290|record_out:2291|record_recv:2402|record_send:2403
2275|cstring|cstring|-2|f|p|P|f|0|1263|c|p|0|cstring_in:2292|cstring_out:2293|cstring_recv:2500|cstring_send:2501
2276|any|"any"|4|t|p|P|f|0|0|i|p|0|any_in:2294|any_out:2295|-|-
2277|anyarray|anyarray|-1|f|p|P|f|0|0|d|x|0|anyarray_in:2296|anyarray_out:2297|anyarray_recv:2502|anyarray_send:2503
2278|void|void|4|t|p|P|f|0|0|i|p|0|void_in:2298|void_out:2299|void_recv:3120|void_send:3121
2279|trigger|trigger|4|t|p|P|f|0|0|i|p|0|trigger_in:2300|trigger_out:2301|-|-
2281|internal|internal|8|t|p|P|f|0|0|d|p|0|internal_in:2304|internal_out:2305|-|-
2283|anyelement|anyelement|4|t|p|P|f|0|0|i|p|0|anyelement_in:2312|anyelement_out:2313|-|-
2776|anynonarray|anynonarray|4|t|p|P|f|0|0|i|p|0|anynonarray_in:2777|anynonarray_out:2778|-|-
2950|uuid|uuid|16|f|b|U|f|0|2951|c|p|0|uuid_in:2952|uuid_out:2953|uuid_recv:2961|uuid_send:2962
2951|_uuid|uuid[]|-1|f|b|A|f|2950|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
3500|anyenum|anyenum|4|t|p|P|f|0|0|i|p|0|anyenum_in:3504|anyenum_out:3505|-|-
3802|jsonb|jsonb|-1|f|b|U|f|0|3807|i|x|0|jsonb_in:3806|jsonb_out:3804|jsonb_recv:3805|jsonb_send:3803
3807|_jsonb|jsonb[]|-1|f|b|A|f|3802|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
4089|regnamespace|regnamespace|4|t|b|N|f|0|4090|i|p|0|regnamespacein:4084|regnamespaceout:4085|regnamespacerecv:4087|regnamespacesend:4088
4090|_regnamespace|regnamespace[]|-1|f|b|A|f|4089|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
4096|regrole|regrole|4|t|b|N|f|0|4097|i|p|0|regrolein:4098|regroleout:4092|regrolerecv:4094|regrolesend:4095
4097|_regrole|regrole[]|-1|f|b|A|f|4096|0|i|x|0|array_in:750|array_out:751|array_recv:2400|array_send:2401
5077|anycompatible|anycompatible|4|t|p|P|f|0|0|i|p|0|anycompatible_in:5086|anycompatible_out:5087|-|-
5078|anycompatiblearray|anycompatiblearray|-1|f|p|P|f|0|0|d|x|0|anycompatiblearray_in:5088|anycompatiblearray_out:5089|anycompatiblearray_recv:5090|anycompatiblearray_send:5091
`;

export interface BuiltinType {
  readonly oid: number;
  readonly typname: string;
  /** What format_type prints (`integer`, `character varying[]`). */
  readonly formatName: string;
  readonly typlen: number;
  readonly typbyval: boolean;
  readonly typtype: string;
  readonly typcategory: string;
  readonly typispreferred: boolean;
  readonly typelem: number;
  readonly typarray: number;
  readonly typalign: string;
  readonly typstorage: string;
  readonly typcollation: number;
  /** typinput, typoutput, typreceive, typsend: [proname, oid], or null for none. */
  readonly io: readonly (readonly [string, number] | null)[];
}

function parseFunction(text: string): readonly [string, number] | null {
  if (text === '-') return null;
  const [name, oid] = text.split(':');
  return [name!, Number(oid)];
}

function parseRow(line: string): BuiltinType {
  const f = line.split('|');
  return {
    oid: Number(f[0]),
    typname: f[1]!,
    formatName: f[2]!,
    typlen: Number(f[3]),
    typbyval: f[4] === 't',
    typtype: f[5]!,
    typcategory: f[6]!,
    typispreferred: f[7] === 't',
    typelem: Number(f[8]),
    typarray: Number(f[9]),
    typalign: f[10]!,
    typstorage: f[11]!,
    typcollation: Number(f[12]),
    io: f.slice(13, 17).map(parseFunction),
  };
}

export const builtinTypes: readonly BuiltinType[] = table.trim().split('\n').map(parseRow);

export const builtinTypeByOid: ReadonlyMap<number, BuiltinType> = new Map(
  builtinTypes.map((t) => [t.oid, t]),
);
