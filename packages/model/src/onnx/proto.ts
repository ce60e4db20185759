/**
 * The subset of onnx.proto (ONNX IR) that our graphs use, as a protobufjs schema, plus typed encode/decode.
 * Field numbers follow onnx/onnx.proto; proto2 like the original, with the same `packed` choices.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto2";
package onnx;

message StringStringEntryProto { optional string key = 1; optional string value = 2; }

message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }

message TensorShapeProto {
  message Dimension {
    oneof value { int64 dim_value = 1; string dim_param = 2; }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
  optional string denotation = 6;
}

message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3; }

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  optional string doc_string = 12;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}

message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional string doc_string = 13;
  optional int32 type = 20;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

/** onnx.TensorProto.DataType values we use. */
export const DataType = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 } as const;
/** Element types by name. */
export type DType = keyof typeof DataType;

/** onnx.AttributeProto.AttributeType values we use. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A key/value pair (external data fields, metadata). */
export interface StringStringEntry { key: string; value: string }
/** One dimension: a fixed size or a symbolic name. */
export interface DimensionProto { dimValue?: number; dimParam?: string }
/** A typed graph input or output. */
export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: DimensionProto[] } } };
}
/** A tensor: inline raw_data or an external-data reference. */
export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  int64Data?: number[];
  floatData?: number[];
  int32Data?: number[];
  externalData?: StringStringEntry[];
  /** 1 = EXTERNAL */
  dataLocation?: number;
}
/** A node attribute. */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
/** One operator call. */
export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain?: string;
  attribute: AttributeProto[];
}
/** Nodes, weights and the graph's interface. */
export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}
/** The file: IR version, opset imports and the graph. */
export interface ModelProto {
  irVersion: number;
  producerName: string;
  producerVersion?: string;
  opsetImport: { domain: string; version: number }[];
  graph: GraphProto;
  metadataProps?: StringStringEntry[];
}

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
const ModelType = root.lookupType('onnx.ModelProto');

/** Serialises a model to ONNX protobuf bytes (whole model in memory: keep it under 2 GB). */
export function encodeModel(model: ModelProto): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model)).finish();
}

/** Parses ONNX protobuf bytes; int64 fields come back as JS numbers, bytes as Uint8Array. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const msg = ModelType.decode(bytes);
  return ModelType.toObject(msg, { longs: Number, arrays: true, defaults: false, oneofs: false }) as ModelProto;
}
