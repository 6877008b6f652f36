#include "textflag.h"

// func sumLanes(x []float32, lanes *[8]float32)
//
// Adds x[8k+j] into lanes[j] for every whole group of 8 (len(x) is a
// multiple of 8): lanes 0-3 in X0, 4-7 in X1, one ADDPS each per group, in
// order, as rustc compiles the harness's sum8 (SSE2, no reassociation; it
// also unrolls by 4 groups).
TEXT ·sumLanes(SB), NOSPLIT, $0-32
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   lanes+24(FP), DI
	MOVUPS (DI), X0
	MOVUPS 16(DI), X1
	SHRQ   $3, CX
	MOVQ   CX, DX
	SHRQ   $2, DX
	ANDQ   $3, CX
	TESTQ  DX, DX
	JZ     tail

loop4:
	MOVUPS (SI), X2
	ADDPS  X2, X0
	MOVUPS 16(SI), X3
	ADDPS  X3, X1
	MOVUPS 32(SI), X4
	ADDPS  X4, X0
	MOVUPS 48(SI), X5
	ADDPS  X5, X1
	MOVUPS 64(SI), X6
	ADDPS  X6, X0
	MOVUPS 80(SI), X7
	ADDPS  X7, X1
	MOVUPS 96(SI), X8
	ADDPS  X8, X0
	MOVUPS 112(SI), X9
	ADDPS  X9, X1
	ADDQ   $128, SI
	DECQ   DX
	JNZ    loop4

tail:
	TESTQ CX, CX
	JZ    done

loop1:
	MOVUPS (SI), X2
	ADDPS  X2, X0
	MOVUPS 16(SI), X3
	ADDPS  X3, X1
	ADDQ   $32, SI
	DECQ   CX
	JNZ    loop1

done:
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	RET
